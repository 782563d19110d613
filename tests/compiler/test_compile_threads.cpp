// Compile at scale (issue #16): the threaded lowering and quantize pass give the plain definition's
// synapse matrices (all synapses sorted by (source, target), each weight from_real(w * 2^-e)), the
// incoming-synapse index its one-thread entries, and the image the same bytes for any thread count,
// on a network big enough to be cut into several chunks (each sparse projection has more than
// 2 x 65536 synapses) with rows that need the sort (a population's projections listed out of
// target order).
#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "compiler/compile.hpp"
#include "compiler/lower.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/passes/usage.hpp"
#include "hw_model/arith/ops.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;

namespace {

ir::Network chunked_network() {
  ir::Network net;
  net.name = "chunked";
  net.populations = {test::pop("in", ir::PopulationType::input, 300), test::pop("a", ir::PopulationType::lif, 600),
                     test::pop("b", ir::PopulationType::alif, 400), test::pop("out", ir::PopulationType::readout, 5)};
  // a -> b before a -> a: rows of a are filled with b's targets first, so every row needs the sort.
  net.projections.push_back(test::sparse(net, "a", "b", 0.6, 1));
  net.projections.push_back(test::sparse(net, "a", "a", 0.4, 2));
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
  for (unsigned threads : {2u, 3u}) {
    const compiler::IncomingSynapses other = compiler::incoming_synapses(q.network, threads);
    REQUIRE(other.start == one.start);
    REQUIRE(other.n_projections == one.n_projections);
    for (size_t i = 0; i < one.entries.size(); ++i) {
      REQUIRE(other.entries[i].source == one.entries[i].source);
      REQUIRE(other.entries[i].projection == one.entries[i].projection);
      REQUIRE(other.entries[i].plastic == one.entries[i].plastic);
    }
  }
}
