// Reading valid network files and the canonical writer: defaults, round trips bit for bit, and
// same network -> same bytes.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "compiler/ir/random_init.hpp"
#include "hw_model/arith/counter_rng.hpp"
#include "ir_test_helpers.hpp"

using namespace nchip;
using nchip::test::require_identical;
using nchip::test::valid_network;
using json = nlohmann::json;

TEST_CASE("a valid file reads into the IR", "[compiler][network_json]") {
  const ir::Network net = ir::parse_network_json(valid_network().dump(), "net.json");
  CHECK(net.name == "small");
  CHECK(net.seed == 7);
  CHECK(net.default_input == "store-recall");
  REQUIRE(net.populations.size() == 4);
  CHECK(net.populations[2].type == ir::PopulationType::alif);
  CHECK(net.populations[2].tau_a_ms == 1200.0);
  CHECK(net.populations[2].beta == 0.03);
  CHECK(net.populations[3].bias == std::vector<double>{0.1, -0.2});
  REQUIRE(net.projections.size() == 4);

  const ir::Projection& dense = net.projections[0];
  CHECK(dense.dense);
  CHECK(dense.weights == std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6});  // [post][pre]
  CHECK(dense.plastic);

  const ir::Projection& sparse = net.projections[1];
  CHECK_FALSE(sparse.dense);
  CHECK(sparse.weights.empty());
  // Sorted by (post, pre) whatever the file's order.
  REQUIRE(sparse.synapses.size() == 3);
  CHECK(sparse.synapses[0] == ir::Synapse{0, 0, 1.5});
  CHECK(sparse.synapses[1] == ir::Synapse{1, 0, 0.5});
  CHECK(sparse.synapses[2] == ir::Synapse{0, 1, -0.25});

  const ir::Projection& init = net.projections[2];
  REQUIRE(init.random_init.has_value());
  CHECK(init.dense);
  CHECK(init.weights.size() == 4);
  CHECK(net.projections[3].random_init->connection_probability == 0.5);
  CHECK_FALSE(net.projections[3].dense);
  CHECK_FALSE(net.projections[3].plastic);
}

TEST_CASE("omitted fields take the defaults of network.hpp", "[compiler][network_json]") {
  const ir::Network net = ir::parse_network_json(
      R"({"populations": [{"name": "a", "type": "alif", "size": 2},
                          {"name": "o", "type": "readout", "size": 1}],
          "projections": [{"source": "a", "target": "o", "init": {}}]})",
      "net.json");
  const ir::Network defaults;
  const ir::Population pop;
  CHECK(net.name == defaults.name);
  CHECK(net.dt_ms == defaults.dt_ms);
  CHECK(net.seed == defaults.seed);
  CHECK(net.default_input.empty());
  CHECK(net.populations[0].tau_m_ms == pop.tau_m_ms);
  CHECK(net.populations[0].v_th == pop.v_th);
  CHECK(net.populations[0].t_ref_ms == pop.t_ref_ms);
  CHECK(net.populations[0].tau_a_ms == pop.tau_a_ms);
  CHECK(net.populations[0].beta == pop.beta);
  CHECK(net.populations[1].tau_out_ms == pop.tau_out_ms);
  CHECK(net.populations[1].bias.empty());
  CHECK(net.projections[0].random_init == ir::RandomInit{});
  CHECK(net.projections[0].plastic);
}

TEST_CASE("write then read gives the same network, bit for bit", "[compiler][network_json]") {
  SECTION("the fixture") {
    const ir::Network net = ir::parse_network_json(valid_network().dump(), "net.json");
    require_identical(ir::parse_network_json(ir::network_to_json(net), "again"), net);
  }
  SECTION("awkward doubles, names and a full-range seed") {
    ir::Network net;
    net.name = "quote \" and \xc3\xa9";
    net.dt_ms = 0.1;
    net.seed = std::numeric_limits<uint64_t>::max();
    net.populations.push_back(test::population("in/put", ir::PopulationType::input, 4));
    ir::Population rec = test::population("rec", ir::PopulationType::alif, 3);
    rec.tau_m_ms = 1.0 / 3.0;
    rec.v_th = std::numeric_limits<double>::denorm_min();
    rec.t_ref_ms = -0.0;  // >= 0 holds for -0.0; the sign must survive
    rec.tau_a_ms = std::numeric_limits<double>::max();
    rec.beta = 1e-300;
    net.populations.push_back(rec);
    ir::Population out = test::population("out", ir::PopulationType::readout, 2);
    out.bias = {-0.0, 2.5e-17};
    net.populations.push_back(out);

    ir::Projection dense;
    dense.source = "in/put";
    dense.target = "rec";
    for (uint32_t k = 0; k < 12; ++k)  // arbitrary bit patterns of ordinary magnitude
      dense.weights.push_back(arith::counter_uniform({3, 1, k, 0}) * 2.0 - 1.0);
    net.projections.push_back(dense);

    ir::Projection sparse;
    sparse.source = "rec";
    sparse.target = "out";
    sparse.dense = false;
    sparse.plastic = false;
    sparse.synapses = {{2, 0, 0.1}, {0, 1, -1e-5}, {1, 1, 123456789.123}};
    net.projections.push_back(sparse);

    const std::string text = ir::network_to_json(net);
    const ir::Network back = ir::parse_network_json(text, "written");
    require_identical(back, net);
    CHECK(std::signbit(back.populations[1].t_ref_ms));
    CHECK(ir::network_to_json(back) == text);
  }
  SECTION("a cuba_lif population with its current decay and bias currents (issue #14)") {
    ir::Network net = ir::parse_network_json(valid_network().dump(), "net.json");
    ir::Population cuba = test::population("cuba", ir::PopulationType::cuba_lif, 2);
    cuba.tau_syn_ms = 1.0 / 7.0;
    cuba.bias = {0.125, -1e-9};
    cuba.reset = ir::ResetMode::zero;
    cuba.v_leak = -0.25;
    net.populations.push_back(cuba);
    ir::Population if_pop = test::population("if", ir::PopulationType::lif, 1);
    if_pop.leak = false;
    net.populations.push_back(if_pop);
    const std::string text = ir::network_to_json(net);
    CHECK(text.find("\"type\": \"cuba_lif\"") != std::string::npos);
    const ir::Network back = ir::parse_network_json(text, "written");
    require_identical(back, net);
    CHECK(back.populations[back.populations.size() - 2].tau_syn_ms == 1.0 / 7.0);
    CHECK(back.populations[back.populations.size() - 2].bias == std::vector<double>{0.125, -1e-9});
    CHECK(back.populations[back.populations.size() - 2].reset == ir::ResetMode::zero);
    CHECK(back.populations.back().leak == false);
    CHECK(text.find("\"leak\": false") != std::string::npos);
  }
}

TEST_CASE("the writer is canonical: same network, same bytes", "[compiler][network_json]") {
  const ir::Network net = ir::parse_network_json(valid_network().dump(), "net.json");
  const std::string once = ir::network_to_json(net);
  CHECK(ir::network_to_json(net) == once);
  // Key order and spacing of the file do not matter, only the network.
  const ir::Network reordered = ir::parse_network_json(valid_network().dump(4), "net.json");
  CHECK(ir::network_to_json(reordered) == once);
}

TEST_CASE("the writer's layout", "[compiler][network_json]") {
  const ir::Network net = ir::parse_network_json(
      R"({"name": "tiny", "populations": [
            {"name": "in", "type": "input", "size": 2},
            {"name": "h", "type": "lif", "size": 2, "v_th": 0.5},
            {"name": "o", "type": "readout", "size": 1, "bias": [0.25]}],
          "projections": [
            {"source": "in", "target": "h", "weights": [[1, -0.5], [0.125, 0]]},
            {"source": "h", "target": "o", "synapses": [[1, 0, 2]], "plastic": false},
            {"source": "h", "target": "h", "init": {"gain": 0.5}}]})",
      "net.json");
  const std::string expected = R"({
  "name": "tiny",
  "dt_ms": 1.0,
  "seed": 1,
  "populations": [
    {
      "name": "in",
      "type": "input",
      "size": 2
    },
    {
      "name": "h",
      "type": "lif",
      "size": 2,
      "tau_m_ms": 20.0,
      "v_th": 0.5,
      "t_ref_ms": 0.0
    },
    {
      "name": "o",
      "type": "readout",
      "size": 1,
      "tau_out_ms": 20.0,
      "bias": [0.25]
    }
  ],
  "projections": [
    {
      "source": "in",
      "target": "h",
      "plastic": true,
      "weights": [
        [1.0, -0.5],
        [0.125, 0.0]
      ]
    },
    {
      "source": "h",
      "target": "o",
      "plastic": false,
      "synapses": [
        [1, 0, 2.0]
      ]
    },
    {
      "source": "h",
      "target": "h",
      "plastic": true,
      "init": {
        "gain": 0.5,
        "connection_probability": 1.0
      }
    }
  ]
}
)";
  CHECK(ir::network_to_json(net) == expected);
}

TEST_CASE("the writer refuses what could not be read back", "[compiler][network_json]") {
  ir::Network net = ir::parse_network_json(valid_network().dump(), "net.json");
  SECTION("a NaN weight") {
    net.projections[0].weights[2] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(
        ir::network_to_json(net),
        "network 'small': /projections/0/weights/0/2: weight must be finite, got nan");
  }
  SECTION("weights changed under a random init would be lost") {
    net.projections[2].weights[0] += 1.0;
    CHECK_THROWS_AS(ir::network_to_json(net), std::logic_error);
    net.projections[2].random_init.reset();  // now the explicit weights are written
    const ir::Network back = ir::parse_network_json(ir::network_to_json(net), "again");
    require_identical(back, net);
  }
}

TEST_CASE("read_network_file reads what network_to_json wrote", "[compiler][network_json]") {
  const ir::Network net = ir::parse_network_json(valid_network().dump(), "net.json");
  const std::string path = std::string(NCHIP_BINARY_DIR) + "/test_compiler_ir_roundtrip.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << ir::network_to_json(net);
  }
  require_identical(ir::read_network_file(path), net);
  std::remove(path.c_str());
}
