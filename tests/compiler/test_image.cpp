// The chip image: round trip, determinism, equality with lower<FixedOps>, and each way a file
// can be damaged (one clear InputError line each).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "compiler/lower.hpp"
#include "compiler/report.hpp"
#include "hw_model/image/byte_io.hpp"
#include "hw_model/image/checksum.hpp"
#include "hw_model/image/chip_image.hpp"
#include "image_test_helpers.hpp"
#include "old_image_versions.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;
using T = ir::PopulationType;

namespace {

ir::Network mixed_network() {
  ir::Network net;
  net.name = "mixed";
  net.seed = 42;
  net.default_input = "poisson";
  net.populations = {test::pop("in", T::input, 12), test::pop("lif", T::lif, 20), test::pop("alif", T::alif, 9),
                     test::pop("out", T::readout, 3)};
  net.populations[3].bias = {0.1, -0.2, 0.3};
  net.projections = {test::dense(net, "in", "lif"), test::sparse(net, "in", "alif", 0.4, 1),
                     test::sparse(net, "lif", "lif", 0.3, 2), test::dense(net, "lif", "alif", false),
                     test::sparse(net, "alif", "lif", 0.5, 3), test::dense(net, "alif", "out")};
  return net;
}

image::ChipImage compiled() {
  return compiler::compile_network(mixed_network(), test::tiny_chip(3, 2, 8), arith::QuantConfig{});
}

std::string read_error(const std::string& bytes) {
  try {
    image::read_image(bytes, "net.nchip");
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("image round trip: same bytes, same model as lower<FixedOps>") {
  const image::ChipImage im = compiled();
  const std::string bytes = image::write_image(im);
  const image::ChipImage back = image::read_image(bytes, "net.nchip");
  CHECK(image::write_image(back) == bytes);
  CHECK(back.chip_hash == image::chip_hash(test::tiny_chip(3, 2, 8)));
  CHECK(back.dt_ms == 1.0);
  CHECK(back.default_input == "poisson");
  CHECK(back.slices.size() == im.slices.size());
  for (size_t t = 0; t < im.routers.size(); ++t) CHECK(back.routers[t].entries == im.routers[t].entries);

  arith::SaturationCounts counts;
  const arith::QuantConfig quant;
  const auto lowered = compiler::lower(mixed_network(), arith::FixedOps(quant, counts));
  test::require_same_model(back.network, lowered);
}

TEST_CASE("compiling twice gives byte-identical images") {
  CHECK(image::write_image(compiled()) == image::write_image(compiled()));
}

TEST_CASE("the image keeps its QuantConfig") {
  arith::QuantConfig q;
  q[arith::Quantity::weight] = {8, 6, true};
  q.rounding = arith::Rounding::stochastic;
  const auto im = compiler::compile_network(mixed_network(), test::tiny_chip(3, 2, 8), q);
  const auto back = image::read_image(image::write_image(im), "x");
  CHECK(back.quant[arith::Quantity::weight] == q[arith::Quantity::weight]);
  CHECK(back.quant.rounding == arith::Rounding::stochastic);
}

TEST_CASE("the image keeps the optimizer state bits it reserves (format version 2)") {
  compiler::CompileOptions lion;
  lion.optimizer_state_bits = 32;
  const auto im = compiler::compile_network(mixed_network(), test::tiny_chip(3, 2, 8), arith::QuantConfig{}, lion);
  CHECK(im.optimizer_state_bits == 32);
  const auto back = image::read_image(image::write_image(im), "x");
  CHECK(back.optimizer_state_bits == 32);
  CHECK(compiled().optimizer_state_bits == 0);
  CHECK(image::write_image(im) != image::write_image(compiled()));
  // The compile report counts m in the learning state, per plastic synapse.
  uint64_t plastic = 0;
  for (const auto* m : {&im.network.input_synapses, &im.network.recurrent_synapses, &im.network.readout_synapses})
    for (size_t s = 0; s < m->size(); ++s) plastic += m->plastic[s];
  REQUIRE(plastic > 0);
  const auto with_m = compiler::make_report(im), without = compiler::make_report(compiled());
  CHECK(with_m.learning_bits == without.learning_bits + 32 * plastic);
  CHECK(with_m.memory_bits == without.memory_bits + 32 * plastic);
  CHECK(compiler::report_text(with_m, 100).find("optimizer state 32 bits per plastic synapse") != std::string::npos);
  CHECK(compiler::report_json(with_m)["optimizer_state_bits_per_plastic_synapse"] == 32);
}

// Image version 3's optimizer block: Adam's m and v formats at the end of LERN; version 2 images
// (no block) are still read, with the default formats (old_image_versions.hpp writes them).
namespace {
std::string as_version_2(const std::string& bytes) { return test::as_image_version(bytes, 2); }
}  // namespace

TEST_CASE("the image carries Adam's m and v formats (format version 3) and reads version 2") {
  arith::QuantConfig q;
  q[arith::Quantity::adam_m] = {16, 8, true};
  q[arith::Quantity::adam_v] = {20, 10, false};
  compiler::CompileOptions adam;
  adam.optimizer_state_bits = 36;
  const auto im = compiler::compile_network(mixed_network(), test::tiny_chip(3, 2, 8), q, adam);
  const std::string bytes = image::write_image(im);
  const auto back = image::read_image(bytes, "x");
  CHECK(back.quant[arith::Quantity::adam_m] == q[arith::Quantity::adam_m]);
  CHECK(back.quant[arith::Quantity::adam_v] == q[arith::Quantity::adam_v]);
  CHECK(back.optimizer_state_bits == 36);
  // The compile report: per plastic synapse, in all and per core.
  const auto report = compiler::make_report(back);
  uint64_t per_core = 0;
  for (const auto& c : report.cores) per_core += c.usage.optimizer_bits;
  CHECK(report.optimizer_bits == per_core);
  CHECK(report.optimizer_bits > 0);
  CHECK(report.optimizer_bits % 36 == 0);
  CHECK(compiler::report_json(report)["optimizer_state_bits"] == report.optimizer_bits);
  CHECK(compiler::report_text(report, 100).find("optimizer state: ") != std::string::npos);
  // Version 2 of the same image: no block, so Adam's formats are the defaults; its 36 reserved bits
  // are then neither Lion's 32 nor the default Adam's 63, refused with one line.
  const std::string old = as_version_2(bytes);
  CHECK(read_error(old) ==
        "net.nchip: section LERN: optimizer state bits must be 0, the update_accumulator width (Lion's m) or the "
        "adam_m + adam_v widths (Adam's m and v)");
  const auto plain = image::read_image(as_version_2(image::write_image(compiled())), "x");
  CHECK(plain.quant[arith::Quantity::adam_m] == arith::QuantConfig{}[arith::Quantity::adam_m]);
  CHECK(image::write_image(plain) == image::write_image(compiled()));
}

TEST_CASE("corrupt images are refused with one clear line") {
  const std::string good = image::write_image(compiled());
  REQUIRE(read_error(good) == "<no error>");

  std::string bad_magic = good;
  bad_magic[0] = 'X';
  CHECK(read_error(bad_magic) == "net.nchip: not an nchip chip image (wrong magic; expected 'NCHIPIMG')");
  CHECK(read_error("{\"name\": 1}") == "net.nchip: not an nchip chip image (wrong magic; expected 'NCHIPIMG')");

  std::string bad_version = good;
  bad_version[8] = 9;
  CHECK(read_error(bad_version) ==
        "net.nchip: image format version 9 is not supported (this nchip reads versions 2 to 7; recompile the network)");
  std::string version1 = good;
  version1[8] = 1;
  CHECK(read_error(version1) ==
        "net.nchip: image format version 1 is not supported (this nchip reads versions 2 to 7; recompile the network)");

  const std::string truncated = good.substr(0, good.size() - 100);
  CHECK(read_error(truncated) == "net.nchip: truncated image (" + std::to_string(truncated.size()) + " of " +
                                     std::to_string(good.size()) + " bytes)");
  CHECK(read_error(good.substr(0, 5)) == "net.nchip: truncated image (5 bytes)");
  CHECK(read_error(good.substr(0, 20)).rfind("net.nchip: truncated image", 0) == 0);

  for (size_t at : {size_t{50}, good.size() / 2, good.size() - 9}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    CHECK(read_error(flipped) == "net.nchip: corrupt image (checksum mismatch)");
  }
  CHECK(read_error(good + "x") == "net.nchip: image has 1 trailing bytes after its checksum");
}

TEST_CASE("file magic detection tells images from JSON") {
  CHECK(image::has_image_magic(image::write_image(compiled())));
  CHECK_FALSE(image::has_image_magic("{\"populations\": []}"));
  CHECK_FALSE(image::file_has_image_magic(NCHIP_SOURCE_DIR "/examples/networks/store_recall.json"));
}

// Issue #16: the image is streamed (SYNP encoded block by block, the checksum on the way). Its
// bytes must be the plain layout: here SYNP is rebuilt field by field with ByteWriter (as the
// writer before streaming did), and the header's size and the checksum recomputed.
TEST_CASE("the streamed image is the plain layout in blocks of at most 1 MB") {
  ir::Network net;
  net.name = "streamed";
  net.populations = {test::pop("in", T::input, 50), test::pop("rec", T::lif, 1500), test::pop("out", T::readout, 2)};
  net.projections = {test::dense(net, "in", "rec"), test::sparse(net, "rec", "rec", 0.05, 7),
                     test::dense(net, "rec", "out")};
  net.projections[1].delay_steps = 3;  // a non-empty delay list in the recurrent matrix
  const image::ChipImage im = compiler::compile_network(net, test::tiny_chip(4, 4, 512), arith::QuantConfig{});
  std::string streamed;
  size_t blocks = 0, largest = 0;
  image::write_image(im, [&](const char* data, size_t n) {
    streamed.append(data, n);
    ++blocks;
    largest = std::max(largest, n);
  });
  CHECK(blocks > 3);
  CHECK(largest <= (size_t{1} << 20));
  CHECK(streamed == image::write_image(im));

  image::ByteWriter synp;
  for (const auto* m : {&im.network.input_synapses, &im.network.recurrent_synapses, &im.network.readout_synapses}) {
    synp.u32(m->n_sources);
    synp.u32(m->n_targets);
    synp.vec(m->row_start, [](image::ByteWriter& o, uint32_t v) { o.u32(v); });
    synp.vec(m->target, [](image::ByteWriter& o, uint32_t v) { o.u32(v); });
    synp.vec(m->weight, [](image::ByteWriter& o, arith::Fx<arith::Quantity::weight> v) { o.i32(v.raw); });
    synp.vec(m->exponent, [](image::ByteWriter& o, int8_t v) { o.u8(static_cast<uint8_t>(v)); });
    synp.vec(m->plastic, [](image::ByteWriter& o, uint8_t v) { o.u8(v); });
    synp.vec(m->origin, [](image::ByteWriter& o, const model::SynapseOrigin& v) {
      o.u32(v.projection);
      o.u32(v.position);
    });
    synp.vec(m->delay_steps, [](image::ByteWriter& o, uint8_t v) { o.u8(v); });
  }
  REQUIRE(im.network.recurrent_synapses.delay_steps.size() == im.network.recurrent_synapses.size());
  // Walk the sections to SYNP (the sixth).
  size_t at = 40;
  for (int section = 0; section < 5; ++section) at += 12 + test::get_le(streamed, at + 4, 8);
  REQUIRE(streamed.substr(at, 4) == "SYNP");
  REQUIRE(test::get_le(streamed, at + 4, 8) == synp.bytes().size());
  CHECK(streamed.compare(at + 12, synp.bytes().size(), synp.bytes()) == 0);
  CHECK(test::get_le(streamed, 16, 8) == streamed.size());
  image::Fnv1a64 h;
  h.add(streamed.data(), streamed.size() - 8);
  CHECK(test::get_le(streamed, streamed.size() - 8, 8) == h.value());
  const image::ChipImage back = image::read_image(streamed, "streamed.nchip");
  test::require_same_model(back.network, im.network);
}
