// The IR helpers: type names, lookups, and validation of networks built in code.
#include <limits>

#include <catch2/catch.hpp>

#include "compiler/ir/network.hpp"
#include "hw_model/error.hpp"
#include "ir_test_helpers.hpp"

using namespace nchip;
using Catch::Matchers::Contains;

namespace {

ir::Network two_populations() {
  ir::Network net;
  net.name = "built";
  net.populations.push_back(test::population("in", ir::PopulationType::input, 3));
  net.populations.push_back(test::population("rec", ir::PopulationType::lif, 2));
  ir::Projection proj;
  proj.source = "in";
  proj.target = "rec";
  proj.weights.assign(6, 0.25);
  net.projections.push_back(proj);
  return net;
}

std::string problem_of(const ir::Network& net) {
  const auto problem = ir::find_problem(net);
  return problem ? problem->pointer + ": " + problem->what : "<none>";
}

}  // namespace

TEST_CASE("population type names round-trip and unknown names are refused", "[compiler][ir]") {
  for (auto type : {ir::PopulationType::input, ir::PopulationType::lif, ir::PopulationType::alif,
                    ir::PopulationType::readout})
    CHECK(ir::population_type_from_string(ir::to_string(type)) == type);
  CHECK(std::string(ir::to_string(ir::PopulationType::alif)) == "alif");
  CHECK_FALSE(ir::population_type_from_string("LIF").has_value());
  CHECK_FALSE(ir::population_type_from_string("").has_value());
}

TEST_CASE("find and index_of look populations up by name", "[compiler][ir]") {
  const ir::Network net = two_populations();
  REQUIRE(net.find("rec") != nullptr);
  CHECK(net.find("rec")->size == 2);
  CHECK(net.find("nope") == nullptr);
  CHECK(net.index_of("in") == 0);
  CHECK(net.index_of("rec") == 1);
  CHECK_THROWS_WITH(net.index_of("nope"), "network 'built': unknown population 'nope'");
  CHECK_THROWS_AS(net.index_of("nope"), InputError);
}

TEST_CASE("a built network validates with file-style JSON pointers", "[compiler][ir]") {
  ir::Network net = two_populations();
  CHECK(problem_of(net) == "<none>");
  CHECK_NOTHROW(ir::validate(net, "here"));

  SECTION("dense weight count") {
    net.projections[0].weights.pop_back();
    CHECK(problem_of(net) ==
          "/projections/0/weights: expected 2 x 3 weights (target 'rec' rows x source 'in' "
          "columns), got 5");
    CHECK_THROWS_WITH(ir::validate(net, "here"), Contains("here: /projections/0/weights: "));
  }
  SECTION("non-finite dense weight names its row and column") {
    net.projections[0].weights[4] = std::numeric_limits<double>::quiet_NaN();
    CHECK(problem_of(net) == "/projections/0/weights/1/1: weight must be finite, got nan");
  }
  SECTION("unsorted sparse synapses") {
    net.projections[0].dense = false;
    net.projections[0].weights.clear();
    net.projections[0].synapses = {{0, 1, 0.5}, {2, 0, 0.5}};
    CHECK(problem_of(net) == "/projections/0/synapses/1: synapses must be sorted by (post, pre)");
    net.projections[0].synapses = {{2, 0, 0.5}, {2, 0, 0.25}};
    CHECK(problem_of(net) == "/projections/0/synapses/1: duplicate synapse pre 2 -> post 0");
  }
  SECTION("empty bias means zero, a wrong size does not") {
    net.populations.push_back(test::population("out", ir::PopulationType::readout, 2));
    CHECK(problem_of(net) == "<none>");
    net.populations.back().bias = {1.0};
    CHECK(problem_of(net) ==
          "/populations/2/bias: expected 2 bias values (readout 'out' has 2 neurons), got 1");
  }
  SECTION("random init must agree with the dense/sparse structure") {
    net.projections[0].random_init = ir::RandomInit{1.0, 0.5};
    CHECK(problem_of(net) ==
          "/projections/0/init: connection_probability 0.5 makes a sparse projection, but it is "
          "dense");
  }
}
