// NIR graphs from a tree in memory (issue #15): the in-process fuzz target fuzz_nir_graph feeds
// nchip's flattening and import a tree decoded from text (tests/fuzz/nir_tree_text.hpp) instead of
// an HDF5 file. These tests prove that path is the file path (the text seeds import to the same
// network and table as the .nir files they were written from) and hold what it found.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "compiler/nir/nir_import.hpp"
#include "hw_model/error.hpp"
#include "tests/fuzz/nir_tree_text.hpp"

using namespace nchip;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nir::ImportResult import_text(const std::string& text, const std::string& file_name = "t.nir") {
  const fuzz::DecodedNirInput in = fuzz::decode_nir_tree_text(text, file_name);
  return nir::import_nir(nir::read_nir_tree(in.tree), in.options);
}

// The one-line message an import of `text` is refused with ("" when accepted).
std::string refusal(const std::string& text) {
  try {
    import_text(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("NIR text seeds import like the files they were written from", "[nir][fuzz]") {
  const std::string root = NCHIP_SOURCE_DIR;
  for (const auto& [nir_file, seed] : std::vector<std::pair<std::string, std::string>>{
           {"tests/fuzz/corpus/nir/tiny_lif.nir", "tiny_lif"},
           {"tests/fuzz/corpus/nir/snntorch_like.nir", "snntorch_like"},
           {"tests/compiler/nir_data/official_conv.nir", "official_conv"},
           {"tests/compiler/nir_data/official_rec.nir", "official_rec"}}) {
    INFO(nir_file);
    const std::string path = root + "/" + nir_file;
    const fuzz::DecodedNirInput in =
        fuzz::decode_nir_tree_text(read_text(root + "/tests/fuzz/corpus/nir_tree/" + seed + ".txt"), path);
    const nir::ImportResult from_tree = nir::import_nir(nir::read_nir_tree(in.tree), in.options);
    const nir::ImportResult from_file = nir::import_nir_file(path, in.options);
    CHECK(from_tree.network == from_file.network);
    CHECK(nir::import_table(from_tree) == nir::import_table(from_file));
    CHECK(from_tree.network.projections.size() > 0);
  }
}

TEST_CASE("NIR text trees decode groups datasets shapes and options", "[nir][fuzz]") {
  const fuzz::DecodedNirInput in = fuzz::decode_nir_tree_text(
      "option dt_ms none\noption discretization exact\noption reset zero\n"
      "number /a/b 2x2 1 2 3 4\nstring /a/s - x%0ay\nnumber /a/bad 3 1 2\ngroup /a/b/c\nstring /a/e 0\n");
  CHECK(!in.options.dt_ms);
  CHECK(in.options.discretization == nir::Discretization::exact);
  CHECK(in.options.reset == nir::ResetMode::zero);
  CHECK(in.tree.is_group("/a"));
  CHECK(in.tree.children("/a") == std::vector<std::string>{"b", "e", "s"});  // /a/bad: 2 values for shape 3
  CHECK(in.tree.read_numeric("/a/b").shape == std::vector<uint64_t>{2, 2});
  CHECK(in.tree.read_numeric("/a/b").values == std::vector<double>{1, 2, 3, 4});
  CHECK(in.tree.read_string("/a/s") == "x\ny");
  CHECK(!in.tree.is_group("/a/b/c"));  // under a dataset: skipped
  CHECK_THROWS_AS(in.tree.read_string("/a/b"), InputError);
  CHECK_THROWS_AS(in.tree.read_string("/a/e"), InputError);  // 0 strings
  CHECK_THROWS_AS(in.tree.children("/a/b"), InputError);
}

// ---- what fuzz_nir_graph found (each was an exit 1, a multi-line message or gigabytes) ----------

namespace {

const char* const kLifGraph =
    "string /node/type - NIRGraph\n"
    "string /node/edges 1x2 in lif\n"
    "string /node/nodes/in/type - Input\n"
    "number /node/nodes/in/shape 1 2\n"
    "string /node/nodes/lif/type - LIF\n"
    "number /node/nodes/lif/tau - 0.02\n"
    "number /node/nodes/lif/r - 1\n"
    "number /node/nodes/lif/v_threshold - 1\n";

}  // namespace

TEST_CASE("NIR import: the text seed of a small graph imports", "[nir][fuzz]") {
  const nir::ImportResult r = import_text(kLifGraph);
  REQUIRE(r.network.populations.size() == 2);
  CHECK(r.network.populations[1].size == 2);
}

TEST_CASE("NIR import: node names with a newline or bytes that are not UTF-8 give one escaped line", "[nir][fuzz]") {
  // A node group without 'type' (the flattening's message), and an unknown type (the import's).
  const std::string no_type = refusal(std::string(kLifGraph) + "group /node/nodes/a%0ab%ff\n");
  CHECK(no_type == "t.nir: /node/nodes/a\\x0ab\\xff: missing 'type' (every NIR node names its type)");
  const std::string bad_type = refusal(std::string(kLifGraph) + "string /node/nodes/x%0a/type - Izh%0aikevich\n");
  CHECK(bad_type.find('\n') == std::string::npos);
  CHECK(bad_type.rfind("t.nir: /node/nodes/x\\x0a: node 'x\\x0a' (Izh\\x0aikevich): unknown NIR node type", 0) == 0);
}

TEST_CASE("NIR import: an Input of 4294967295 elements is refused before anything that size is allocated",
          "[nir][fuzz]") {
  std::string text = kLifGraph;
  text.replace(text.find("shape 1 2"), 9, "shape 1 4294967295");
  const std::string why = refusal(text);
  CHECK(why.rfind("t.nir: /node/nodes/in: node 'in' (Input) of 4294967295 elements needs about 2199.0 GB, more than "
                  "the limit of ",
                  0) == 0);
}

TEST_CASE("NIR import: a dt implied by r = tau/dt that is subnormal is no internal error", "[nir][fuzz]") {
  std::string text = kLifGraph;
  text.replace(text.find("tau - 0.02"), 10, "tau - 2e-310");
  text.replace(text.find("r - 1"), 5, "r - 2");
  text += "option dt_ms none\noption time_unit ms\n";
  // std::stod threw std::out_of_range on "1e-310" (exit 1); now the dt is taken (or refused) as a number.
  CHECK_NOTHROW([&] {
    try {
      import_text(text);
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }());
}

TEST_CASE("NIR import: a pooling node without kernel_size is refused (was a division by zero)", "[nir][fuzz]") {
  // fuzz_nir_graph: SumPool2d without 'kernel_size' took the fallback 0 as kernel and stride.
  const std::string graph =
      "string /node/type - NIRGraph\n"
      "string /node/edges 2x2 in pool pool lif\n"
      "string /node/nodes/in/type - Input\n"
      "number /node/nodes/in/shape 3 1 4 4\n"
      "string /node/nodes/pool/type - SumPool2d\n"
      "string /node/nodes/lif/type - LIF\n"
      "number /node/nodes/lif/tau - 0.02\n"
      "number /node/nodes/lif/r - 1\n"
      "number /node/nodes/lif/v_threshold - 1\n";
  CHECK(refusal(graph) == "t.nir: /node/nodes/pool: node 'pool' (SumPool2d): missing parameter 'kernel_size'");
  // With it, the same graph imports: 2 x 2 sum pooling of 4 x 4 is 4 neurons.
  const nir::ImportResult r = import_text(graph + "number /node/nodes/pool/kernel_size 2 2 2\n");
  CHECK(r.network.find("lif")->size == 4);
}
