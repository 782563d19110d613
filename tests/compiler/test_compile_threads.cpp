// Compile at scale (issue #16): the threaded lowering and quantize pass give the plain definition's
// synapse matrices (all synapses sorted by (source, target), each weight from_real(w * 2^-e)), the
// incoming-synapse index its one-thread entries, and the image the same bytes for any thread count,
// on a network big enough to be cut into several chunks (each sparse projection has more than
// 2 x 65536 synapses) with rows that need the sort (a population's projections listed out of
// target order).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "compiler/compile.hpp"
#include "compiler/drain_queue.hpp"
#include "compiler/lower.hpp"
#include "compiler/page_memory.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/passes/usage.hpp"
#include "hw_model/arith/ops.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;

namespace {

// With `rows_in_order`, a -> a is listed before a -> b: rows then come out in target order (each
// list sorted by target), and a network handed over has its sparse lists released.
ir::Network chunked_network(bool rows_in_order = false) {
  ir::Network net;
  net.name = "chunked";
  net.populations = {test::pop("in", ir::PopulationType::input, 300), test::pop("a", ir::PopulationType::lif, 600),
                     test::pop("b", ir::PopulationType::alif, 400), test::pop("out", ir::PopulationType::readout, 5)};
  // a -> b before a -> a: rows of a are filled with b's targets first, so every row needs the sort.
  if (rows_in_order) net.projections.push_back(test::sparse(net, "a", "a", 0.4, 2));
  net.projections.push_back(test::sparse(net, "a", "b", 0.6, 1));
  if (!rows_in_order) net.projections.push_back(test::sparse(net, "a", "a", 0.4, 2));
  net.projections.push_back(test::dense(net, "in", "a"));
  net.projections.push_back(test::dense(net, "b", "out", false));
  net.projections.push_back(test::sparse(net, "in", "b", 0.5, 3));
  return net;
}

struct Plain {
  uint32_t source, target, projection, position;
  double weight;
};

// The plain definition of one synapse matrix: every synapse of the projections in `which`, sorted by
// (source, target), which are unique (one projection per population pair).
std::vector<Plain> plain_matrix(const ir::Network& net, bool (*which)(const ir::Network&, const ir::Projection&),
                                const std::vector<uint32_t>& first_source, const std::vector<uint32_t>& first_target) {
  std::vector<Plain> out;
  for (uint32_t p = 0; p < net.projections.size(); ++p) {
    const auto& proj = net.projections[p];
    if (!which(net, proj)) continue;
    const size_t s = net.index_of(proj.source), t = net.index_of(proj.target);
    const uint32_t ns = net.populations[s].size;
    if (proj.dense) {
      for (uint32_t k = 0; k < proj.weights.size(); ++k) {
        const uint32_t pre = k % ns, post = k / ns;
        if (proj.source == proj.target && pre == post) continue;
        out.push_back({first_source[s] + pre, first_target[t] + post, p, k, proj.weights[k]});
      }
    } else {
      for (uint32_t k = 0; k < proj.synapses.size(); ++k) {
        const auto& syn = proj.synapses[k];
        out.push_back({first_source[s] + syn.pre, first_target[t] + syn.post, p, k, syn.weight});
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Plain& x, const Plain& y) { return std::tie(x.source, x.target) < std::tie(y.source, y.target); });
  return out;
}

void require_plain(const model::SynapseMatrix<arith::FixedOps>& m, const std::vector<Plain>& plain,
                   const std::vector<int>& exponent, const arith::FixedOps& ops, const ir::Network& net) {
  REQUIRE(m.size() == plain.size());
  size_t k = 0;
  for (uint32_t s = 0; s < m.n_sources; ++s)
    for (uint32_t i = m.row_start[s]; i < m.row_start[s + 1]; ++i, ++k) {
      const Plain& p = plain[k];
      REQUIRE(s == p.source);
      REQUIRE(m.target[i] == p.target);
      REQUIRE(m.origin[i].projection == p.projection);
      REQUIRE(m.origin[i].position == p.position);
      REQUIRE(m.exponent[i] == exponent[p.projection]);
      REQUIRE(m.plastic[i] == (net.projections[p.projection].plastic ? 1 : 0));
      const auto raw = arith::from_real<arith::Quantity::weight>(ops, std::ldexp(p.weight, -exponent[p.projection]));
      REQUIRE(m.weight[i].raw == raw.raw);
    }
}

bool is_input(const ir::Network& net, const ir::Projection& p) {
  return net.find(p.source)->type == ir::PopulationType::input;
}
bool is_readout(const ir::Network& net, const ir::Projection& p) {
  return net.find(p.target)->type == ir::PopulationType::readout;
}
bool is_recurrent(const ir::Network& net, const ir::Projection& p) { return !is_input(net, p) && !is_readout(net, p); }

}  // namespace

TEST_CASE("threaded lowering gives the plain definition's matrices for 1, 2 and 3 threads", "[compile][threads]") {
  const ir::Network net = chunked_network();
  REQUIRE(net.projections[0].synapses.size() > 2 * 65536);
  REQUIRE(net.projections[1].synapses.size() > 2 * 65536);
  const arith::QuantConfig quant;
  // Index spaces: sources are inputs then spiking neurons; targets are spiking neurons, readouts.
  const std::vector<uint32_t> input_first = {0, 0, 0, 0}, neuron_first = {0, 0, 600, 0};
  const std::vector<uint32_t> readout_first = {0, 0, 0, 0};
  for (unsigned threads : {1u, 2u, 3u}) {
    CAPTURE(threads);
    const compiler::Quantized q = compiler::quantize(net, quant, threads);
    std::vector<int> exponent;
    for (const auto& p : q.projections) exponent.push_back(p.exponent);
    arith::SaturationCounts counts;
    const arith::FixedOps ops(quant, counts);
    require_plain(q.network.input_synapses, plain_matrix(net, is_input, input_first, neuron_first), exponent, ops, net);
    require_plain(q.network.recurrent_synapses, plain_matrix(net, is_recurrent, neuron_first, neuron_first), exponent,
                  ops, net);
    require_plain(q.network.readout_synapses, plain_matrix(net, is_readout, neuron_first, readout_first), exponent,
                  ops, net);
  }
}

TEST_CASE("compiled image bytes are identical for 1 and 2 threads", "[compile][threads]") {
  const ir::Network net = chunked_network();
  const image::ChipConfig chip = test::tiny_chip(4, 4, 256);
  compiler::CompileOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const std::string a = image::write_image(compiler::compile_network(net, chip, arith::QuantConfig{}, one));
  const std::string b = image::write_image(compiler::compile_network(net, chip, arith::QuantConfig{}, two));
  REQUIRE(a.size() > 1000000);
  CHECK(a == b);
}

TEST_CASE("saturation counts of the threaded lowering are the one-thread counts", "[compile][threads]") {
  ir::Network net = chunked_network();
  // Exponents off and weights beyond the format's range: every chunk saturates some weights.
  arith::QuantConfig quant;
  quant.weight_exponents = false;
  for (auto& s : net.projections[0].synapses) s.weight *= 40;  // s16.12 holds +-8
  arith::SaturationCounts one, two;
  compiler::lower(net, arith::FixedOps(quant, one), 1);
  compiler::lower(net, arith::FixedOps(quant, two), 2);
  CHECK(one[arith::Quantity::weight] > 0);
  CHECK(one == two);
}

TEST_CASE("the incoming-synapse index is the same for 1, 2 and 3 threads, grouped by unit in source order",
          "[compile][threads]") {
  const compiler::Quantized q = compiler::quantize(chunked_network(), arith::QuantConfig{}, 1);
  const compiler::IncomingSynapses one = compiler::incoming_synapses(q.network, 1);
  REQUIRE(one.entries.size() == q.network.input_synapses.size() + q.network.recurrent_synapses.size() +
                                    q.network.readout_synapses.size());
  CHECK(one.n_projections == 5);
  for (uint32_t u = 0; u + 1 < one.start.size(); ++u)
    for (uint64_t i = one.start[u] + 1; i < one.start[u + 1]; ++i) REQUIRE(one.entries[i - 1].source < one.entries[i].source);
  // Each entry's projection (from its source's range, 4-byte entries) is its synapse's origin.
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> projection_of;  // (source, unit) -> projection
  const uint32_t n = q.network.n_neurons(), n_inputs = q.network.n_inputs;
  const auto note = [&](const model::SynapseMatrix<arith::FixedOps>& m, uint32_t source_offset, uint32_t unit_offset) {
    for (uint32_t s = 0; s < m.n_sources; ++s)
      for (uint32_t i = m.row_start[s]; i < m.row_start[s + 1]; ++i)
        projection_of[{source_offset + s, unit_offset + m.target[i]}] = m.origin[i].projection;
  };
  note(q.network.input_synapses, 0, 0);
  note(q.network.recurrent_synapses, n_inputs, 0);
  note(q.network.readout_synapses, n_inputs, n);
  REQUIRE(projection_of.size() == one.entries.size());
  for (uint32_t u = 0; u + 1 < one.start.size(); ++u) {
    compiler::ProjectionCursor cursor(one, u);
    for (uint64_t i = one.start[u]; i < one.start[u + 1]; ++i)
      REQUIRE(cursor.projection(one.entries[i].source) == projection_of.at({one.entries[i].source, u}));
  }
  // A source outside every range of the unit's population (only a hand-made image has one) is
  // projection n_projections, not a crash.
  compiler::ProjectionCursor readout(one, n);  // a readout: its only sources are b's neurons
  CHECK(readout.projection(0) == one.n_projections);
  for (unsigned threads : {2u, 3u}) {
    const compiler::IncomingSynapses other = compiler::incoming_synapses(q.network, threads);
    REQUIRE(other.start == one.start);
    REQUIRE(other.n_projections == one.n_projections);
    for (size_t i = 0; i < one.entries.size(); ++i) {
      REQUIRE(other.entries[i].source == one.entries[i].source);
      REQUIRE(other.entries[i].plastic == one.entries[i].plastic);
    }
  }
}

namespace {

// The report's error sums by their plain definition (weight_error.hpp): each matrix cut into chunks
// of 2^20 synapses in matrix order, a chunk's sums formed in matrix order, a projection's chunk sums
// added in chunk order. Written out here, apart from the compiler's code.
struct PlainSums {
  double max_w = 0, max_err = 0, signal = 0, noise = 0;
  uint64_t n = 0;
};
std::vector<PlainSums> plain_error_sums(const ir::Network& net, const model::NetworkModel<arith::FixedOps>& model,
                                        const arith::QuantConfig& quant) {
  std::vector<PlainSums> total(net.projections.size());
  const int frac = quant[arith::Quantity::weight].frac;
  for (const auto* m : {&model.input_synapses, &model.recurrent_synapses, &model.readout_synapses})
    for (size_t begin = 0; begin < m->size(); begin += size_t{1} << 20) {
      std::vector<PlainSums> chunk(net.projections.size());
      for (size_t i = begin; i < std::min(m->size(), begin + (size_t{1} << 20)); ++i) {
        const auto& o = m->origin[i];
        const auto& proj = net.projections[o.projection];
        const double w = proj.dense ? proj.weights[o.position] : proj.synapses[o.position].weight;
        const double err = static_cast<double>(m->weight[i].raw) * std::ldexp(1.0, m->exponent[i] - frac) - w;
        PlainSums& s = chunk[o.projection];
        s.max_w = std::max(s.max_w, std::fabs(w));
        s.max_err = std::max(s.max_err, std::fabs(err));
        s.signal += w * w;
        s.noise += err * err;
        ++s.n;
      }
      for (size_t p = 0; p < chunk.size(); ++p) {
        if (chunk[p].n == 0) continue;
        total[p].max_w = std::max(total[p].max_w, chunk[p].max_w);
        total[p].max_err = std::max(total[p].max_err, chunk[p].max_err);
        total[p].signal += chunk[p].signal;
        total[p].noise += chunk[p].noise;
        total[p].n += chunk[p].n;
      }
    }
  return total;
}

void require_plain_errors(const ir::Network& net, const arith::QuantConfig& quant, unsigned threads) {
  const compiler::Quantized q = compiler::quantize(net, quant, threads);
  const std::vector<PlainSums> plain = plain_error_sums(net, q.network, quant);
  for (size_t p = 0; p < plain.size(); ++p) {
    CAPTURE(p);
    REQUIRE(q.projections[p].synapses == plain[p].n);
    CHECK(q.projections[p].max_abs_weight == plain[p].max_w);
    CHECK(q.projections[p].max_abs_error == plain[p].max_err);
    CHECK(q.projections[p].rms_error == std::sqrt(plain[p].noise / static_cast<double>(plain[p].n)));
    CHECK(q.projections[p].snr_db == 10.0 * std::log10(plain[p].signal / plain[p].noise));
  }
}

}  // namespace

// Issue #16: the lowering sums a sparse projection's errors while it writes its synapses (chunks
// aligned to the 2^20-synapse error chunks); dense projections, and matrices whose rows were
// re-sorted after the fill, are summed by the quantize pass. Either way: the plain sums, bit for bit.
TEST_CASE("quantization error sums are the plain definition's, summed in the fill or after it", "[compile][threads]") {
  const arith::QuantConfig quant;
  SECTION("a sparse projection over several error chunks beside a dense one, rows in order") {
    ir::Network net;
    net.name = "errors";
    net.populations = {test::pop("in", ir::PopulationType::input, 40), test::pop("rec", ir::PopulationType::lif, 1500)};
    net.projections.push_back(test::dense(net, "in", "rec"));
    net.projections.push_back(test::sparse(net, "rec", "rec", 0.55, 4));
    REQUIRE(net.projections[1].synapses.size() > (size_t{1} << 20));
    for (unsigned threads : {1u, 3u}) require_plain_errors(net, quant, threads);
  }
  SECTION("rows the lowering re-sorts (a population's projections out of target order)") {
    for (unsigned threads : {1u, 2u}) require_plain_errors(chunked_network(), quant, threads);
  }
}

TEST_CASE("the first weight out of range in matrix order is reported, found in the fill or after it", "[compile][threads]") {
  ir::Network net;
  net.name = "range";
  net.populations = {test::pop("in", ir::PopulationType::input, 30), test::pop("a", ir::PopulationType::lif, 400),
                     test::pop("b", ir::PopulationType::lif, 300)};
  net.projections.push_back(test::sparse(net, "a", "a", 0.5, 2));
  net.projections.push_back(test::sparse(net, "a", "b", 0.5, 1));
  net.projections.push_back(test::dense(net, "in", "a"));
  arith::QuantConfig quant;
  quant.weight_exponents = false;  // s16.12 holds +-8: a weight of 100 is out of range
  const auto message = [&](unsigned threads) {
    try {
      compiler::quantize(net, quant, threads);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  // Rows in target order (a -> a listed first): the fill sums them. a -> a is filled first, but
  // a -> b's synapse from a's neuron with the lowest index sits in an earlier row than a -> a's
  // from the highest: in matrix order a -> b's comes first.
  const auto by_pre = [](const ir::Synapse& x, const ir::Synapse& y) { return x.pre < y.pre; };
  auto& aa = net.projections[0].synapses;
  auto& ab = net.projections[1].synapses;
  std::max_element(aa.begin(), aa.end(), by_pre)->weight = -100;
  std::min_element(ab.begin(), ab.end(), by_pre)->weight = 100;
  for (unsigned threads : {1u, 2u}) CHECK(message(threads).find("projection 1 ('a' -> 'b'): weight 100 is out of range") == 0);
  // The dense input projection (checked after the fill) is in the input matrix: before both.
  net.projections[2].weights[5] = 50;
  for (unsigned threads : {1u, 2u}) CHECK(message(threads).find("projection 2 ('in' -> 'a'): weight 50 is out of range") == 0);
}

namespace {

std::string image_bytes(ir::Network net, bool hand_over, unsigned threads) {
  compiler::CompileOptions options;
  options.threads = threads;
  const image::ChipConfig chip = test::tiny_chip(4, 4, 256);
  return image::write_image(hand_over ? compiler::compile_network(std::move(net), chip, arith::QuantConfig{}, options)
                                      : compiler::compile_network(net, chip, arith::QuantConfig{}, options));
}

}  // namespace

// Issue #16 (compile's peak memory): compile_network(std::move(net)) releases the sparse lists while
// the lowering reads them, and gives the bytes the const form gives.
TEST_CASE("a network handed to compile_network gives the same image and its sparse lists are released",
          "[compile][threads]") {
  const ir::Network net = chunked_network(true);
  REQUIRE(net.projections[0].synapses.size() > 2 * 65536);
  const std::string kept = image_bytes(net, false, 1);
  REQUIRE(kept.size() > 1000000);
  for (unsigned threads : {1u, 2u, 3u}) {
    CAPTURE(threads);
    CHECK(image_bytes(net, true, threads) == kept);
  }
  ir::Network handed = net;
  compiler::CompileOptions options;
  options.threads = 2;
  compiler::compile_network(std::move(handed), test::tiny_chip(4, 4, 256), arith::QuantConfig{}, options);
  CHECK(handed.projections[0].synapses.empty());  // the sparse lists are gone
  CHECK(handed.projections[1].synapses.empty());
  CHECK(handed.projections[4].synapses.empty());
  CHECK(handed.projections[2].weights == net.projections[2].weights);  // dense weights stay
  CHECK(handed.populations.size() == net.populations.size());
}

TEST_CASE("a handed-over network whose rows need the sort keeps its lists and compiles the same bytes",
          "[compile][threads]") {
  // chunked_network lists a -> b before a -> a: a's rows are re-sorted and the quantize pass reads the
  // lists again, so the lowering must not release them.
  const ir::Network net = chunked_network();
  const std::string kept = image_bytes(net, false, 2);
  CHECK(image_bytes(net, true, 2) == kept);
  ir::Network handed = net;
  compiler::compile_network(std::move(handed), test::tiny_chip(4, 4, 256), arith::QuantConfig{});
  CHECK(handed.projections[0].synapses.size() == net.projections[0].synapses.size());
  CHECK(handed.projections[1].synapses.size() == net.projections[1].synapses.size());
}

TEST_CASE("the first weight out of range is reported with its value after the lowering released its list",
          "[compile][threads]") {
  ir::Network net = chunked_network(true);
  arith::QuantConfig quant;
  quant.weight_exponents = false;  // s16.12 holds +-8
  const auto by_pre = [](const ir::Synapse& x, const ir::Synapse& y) { return x.pre < y.pre; };
  auto& ab = net.projections[1].synapses;
  std::min_element(ab.begin(), ab.end(), by_pre)->weight = 100.5;
  for (unsigned threads : {1u, 2u}) {
    ir::Network handed = net;
    std::string message = "<no error>";
    try {
      compiler::quantize_releasing(handed, quant, threads);
    } catch (const InputError& e) {
      message = e.what();
    }
    CHECK(message.find("projection 1 ('a' -> 'b'): weight 100.5 is out of range") == 0);
    CHECK(handed.projections[1].synapses.empty());
  }
}

TEST_CASE("a drain queue gives back its values in push order across segments, once", "[compile][threads]") {
  compiler::DrainQueue<uint64_t> queue;
  const size_t n = 3 * compiler::DrainQueue<uint64_t>::kPerSegment + 5;
  for (uint64_t v = 0; v < n; ++v) queue.push(v * 7 + 1);
  std::vector<uint64_t> out;
  queue.drain([&](uint64_t v) { out.push_back(v); });
  REQUIRE(out.size() == n);
  for (uint64_t v = 0; v < n; ++v) REQUIRE(out[v] == v * 7 + 1);
  size_t again = 0;
  queue.drain([&](uint64_t) { ++again; });
  CHECK(again == 0);
  queue.push(5);  // usable again
  queue.drain([&](uint64_t v) { out.push_back(v); });
  CHECK(out.back() == 5);
}

TEST_CASE("releasing a range in steps zeroes exactly its whole pages, each once", "[compile][threads]") {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<char> memory(40 * page, 1);
  // A range that starts and ends inside pages, released in steps of 3.5 pages.
  const char* begin = memory.data() + page / 2 + 3;
  const char* end = memory.data() + 30 * page + 17;
  const char* from = begin;
  for (const char* to = begin; to < end;) {
    to = std::min(end, to + 7 * page / 2);
    const char* next = compiler::release_pages_between(from, to);
    CHECK(next >= from);
    CHECK(next <= to);
    from = next;
  }
  const auto first_whole = (reinterpret_cast<uintptr_t>(begin) + page - 1) / page * page;
  const auto end_whole = reinterpret_cast<uintptr_t>(end) / page * page;
  size_t zeros = 0;
  for (const char& c : memory) {
    const auto at = reinterpret_cast<uintptr_t>(&c);
    const bool released = at >= first_whole && at < end_whole;
    REQUIRE(c == (released ? 0 : 1));
    zeros += released;
  }
  CHECK(zeros >= 28 * page);
}
