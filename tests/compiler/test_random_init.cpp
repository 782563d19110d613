// Random initialisation: deterministic per seed, the right spread, no self-connections, and the
// requested connection probability.
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "compiler/ir/network_json.hpp"
#include "compiler/ir/random_init.hpp"
#include "ir_test_helpers.hpp"

using namespace nchip;
using Catch::Matchers::WithinRel;

namespace {

// in(n) -> rec(n) and rec -> rec, both drawn from `init`.
std::string square_network(uint32_t n, uint64_t seed, double gain, double p) {
  return fmt::format(
      R"({{"seed": {0}, "populations": [{{"name": "in", "type": "input", "size": {1}}},
                                        {{"name": "rec", "type": "lif", "size": {1}}}],
          "projections": [
            {{"source": "in", "target": "rec", "init": {{"gain": {2}, "connection_probability": {3}}}}},
            {{"source": "rec", "target": "rec", "init": {{"gain": {2}, "connection_probability": {3}}}}}]}})",
      seed, n, gain, p);
}

ir::Network parse(const std::string& text) {
  return ir::parse_network_json(text, "net.json");
}

struct Moments {
  double mean = 0, std = 0;
};

Moments moments(const std::vector<double>& xs) {
  double sum = 0, sum2 = 0;
  for (double x : xs) sum += x;
  const double mean = sum / static_cast<double>(xs.size());
  for (double x : xs) sum2 += (x - mean) * (x - mean);
  return {mean, std::sqrt(sum2 / static_cast<double>(xs.size() - 1))};
}

std::vector<double> weights_of(const ir::Projection& proj) {
  if (proj.dense) return proj.weights;
  std::vector<double> w;
  for (const ir::Synapse& s : proj.synapses) w.push_back(s.weight);
  return w;
}

}  // namespace

TEST_CASE("counter_normal is a standard normal", "[compiler][random_init]") {
  std::vector<double> xs;
  size_t within_one = 0;
  for (uint64_t k = 0; k < 100000; ++k) {
    xs.push_back(ir::counter_normal(11, 3, k));
    within_one += std::fabs(xs.back()) < 1.0;
  }
  const Moments m = moments(xs);
  CHECK(std::fabs(m.mean) < 0.015);  // 5 standard errors
  CHECK_THAT(m.std, WithinRel(1.0, 0.015));
  CHECK_THAT(static_cast<double>(within_one) / 1e5, WithinRel(0.6827, 0.01));
  // A pure function of its key, and indices above 32 bits are distinct draws.
  CHECK(ir::counter_normal(11, 3, 5) == xs[5]);
  CHECK(ir::counter_normal(11, 3, 5 + (uint64_t{1} << 32)) != xs[5]);
  CHECK(ir::counter_normal(12, 3, 5) != xs[5]);
  CHECK(ir::counter_normal(11, 4, 5) != xs[5]);
}

TEST_CASE("random init is deterministic per seed and differs between seeds",
          "[compiler][random_init]") {
  const ir::Network a = parse(square_network(20, 7, 1.0, 1.0));
  const ir::Network b = parse(square_network(20, 7, 1.0, 1.0));
  const ir::Network c = parse(square_network(20, 8, 1.0, 1.0));
  CHECK(a.projections[0].weights == b.projections[0].weights);
  CHECK(a.projections[0].weights != c.projections[0].weights);
  // Projections draw from their own streams.
  std::vector<double> off_diagonal;
  for (size_t k = 0; k < 400; ++k)
    if (k % 21 != 0) off_diagonal.push_back(a.projections[0].weights[k]);
  std::vector<double> other;
  for (size_t k = 0; k < 400; ++k)
    if (k % 21 != 0) other.push_back(a.projections[1].weights[k]);
  CHECK(off_diagonal != other);
}

TEST_CASE("dense random init has standard deviation gain / sqrt(fan_in)",
          "[compiler][random_init]") {
  for (double gain : {1.0, 2.5}) {
    const ir::Network net = parse(square_network(200, 42, gain, 1.0));
    const ir::Projection& proj = net.projections[0];
    REQUIRE(proj.dense);
    REQUIRE(proj.weights.size() == 200u * 200u);
    const Moments m = moments(proj.weights);
    const double expected = gain / std::sqrt(200.0);
    CHECK(std::fabs(m.mean) < 0.05 * expected);
    CHECK_THAT(m.std, WithinRel(expected, 0.05));
  }
}

TEST_CASE("a population projecting to itself has no self-connections", "[compiler][random_init]") {
  SECTION("dense: zero diagonal") {
    const ir::Network net = parse(square_network(50, 3, 1.0, 1.0));
    const ir::Projection& self = net.projections[1];
    REQUIRE(self.dense);
    size_t nonzero_off_diagonal = 0;
    for (uint32_t post = 0; post < 50; ++post)
      for (uint32_t pre = 0; pre < 50; ++pre) {
        const double w = self.weights[post * 50 + pre];
        if (pre == post)
          CHECK(w == 0.0);
        else
          nonzero_off_diagonal += w != 0.0;
      }
    CHECK(nonzero_off_diagonal == 50u * 49u);
    // Not a self projection: the diagonal is drawn like everything else.
    CHECK(net.projections[0].weights[0] != 0.0);
  }
  SECTION("sparse: diagonal omitted") {
    const ir::Network net = parse(square_network(50, 3, 1.0, 0.9));
    const ir::Projection& self = net.projections[1];
    REQUIRE_FALSE(self.dense);
    for (const ir::Synapse& s : self.synapses) CHECK(s.pre != s.post);
  }
}

TEST_CASE("connection_probability < 1 gives a sparse projection of that density",
          "[compiler][random_init]") {
  const double p = 0.1;
  const ir::Network net = parse(square_network(200, 5, 1.0, p));
  const ir::Projection& proj = net.projections[0];
  REQUIRE_FALSE(proj.dense);
  CHECK(proj.weights.empty());
  // 40000 trials: the count's standard deviation is 60, so 5 % (200) is over 3 sigma.
  CHECK_THAT(static_cast<double>(proj.synapses.size()), WithinRel(40000 * p, 0.05));
  // Sorted by (post, pre), no duplicates, as the IR requires.
  for (size_t k = 1; k < proj.synapses.size(); ++k) {
    const auto& a = proj.synapses[k - 1];
    const auto& b = proj.synapses[k];
    CHECK((a.post < b.post || (a.post == b.post && a.pre < b.pre)));
  }
  // fan_in = source size x probability.
  CHECK_THAT(moments(weights_of(proj)).std, WithinRel(1.0 / std::sqrt(200 * p), 0.05));
  // Self projection: n (n - 1) possible synapses.
  CHECK_THAT(static_cast<double>(net.projections[1].synapses.size()),
             WithinRel(200 * 199 * p, 0.05));
}

TEST_CASE("thinning keeps the surviving synapses' weights (up to the scale)",
          "[compiler][random_init]") {
  const ir::Network dense = parse(square_network(30, 9, 1.0, 1.0));
  const ir::Network sparse = parse(square_network(30, 9, 1.0, 0.5));
  const double scale = std::sqrt(0.5);  // sigma grows by 1 / sqrt(p)
  REQUIRE_FALSE(sparse.projections[0].synapses.empty());
  for (const ir::Synapse& s : sparse.projections[0].synapses)
    CHECK_THAT(s.weight * scale,
               WithinRel(dense.projections[0].weights[s.post * 30 + s.pre], 1e-12));
}

TEST_CASE("randomize_all_weights keeps structure and round-trips as init",
          "[compiler][random_init]") {
  ir::Network net = ir::parse_network_json(test::valid_network().dump(), "net.json");
  const ir::Network before = net;
  ir::randomize_all_weights(net, 99, 0.75);
  CHECK(net.seed == 99);
  for (size_t i = 0; i < net.projections.size(); ++i) {
    const ir::Projection& p = net.projections[i];
    REQUIRE(p.random_init.has_value());
    CHECK(p.random_init->gain == 0.75);
    CHECK(p.dense == before.projections[i].dense);
  }
  CHECK(net.projections[0].weights != before.projections[0].weights);
  // The sparse lif -> alif projection had 3 of 4 possible synapses.
  CHECK(net.projections[1].random_init->connection_probability == 0.75);
  CHECK(net.projections[3].random_init->connection_probability == 0.5);
  CHECK_NOTHROW(ir::validate(net, "randomized"));

  const std::string text = ir::network_to_json(net);
  CHECK(text.find("\"weights\"") == std::string::npos);
  CHECK(text.find("\"synapses\"") == std::string::npos);
  test::require_identical(ir::parse_network_json(text, "written"), net);

  ir::Network again = before;
  ir::randomize_all_weights(again, 99, 0.75);
  CHECK(again == net);
  ir::randomize_all_weights(again, 100, 0.75);
  CHECK(again.projections[0].weights != net.projections[0].weights);
}

TEST_CASE("materialise_random_init fills built networks", "[compiler][random_init]") {
  ir::Network net;
  net.seed = 4;
  net.populations.push_back(test::population("a", ir::PopulationType::lif, 10));
  ir::Projection self;
  self.source = self.target = "a";
  self.random_init = ir::RandomInit{1.0, 1.0};
  net.projections.push_back(self);
  CHECK(ir::find_problem(net).has_value());  // weights not drawn yet
  ir::materialise_random_init(net);
  CHECK_FALSE(ir::find_problem(net).has_value());
  CHECK(net.projections[0].weights.size() == 100);
  CHECK(net.projections[0].weights[11] == 0.0);
}
