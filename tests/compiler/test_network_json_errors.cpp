// Every class of malformed network file gets one line naming the file, the JSON pointer and the
// problem. Each case breaks the valid network of ir_test_helpers.hpp in exactly one place.
#include <catch2/catch.hpp>

#include "ir_test_helpers.hpp"

using namespace nchip;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nchip::test::error_of;
using nchip::test::valid_network;
using json = nlohmann::json;

TEST_CASE("the valid fixture parses (so the error cases below break only one thing)",
          "[compiler][network_json]") {
  CHECK(error_of(valid_network()) == "<no error>");
}

TEST_CASE("JSON syntax errors give line and column", "[compiler][network_json]") {
  const std::string message = error_of("{\n  \"name\": \"x\",\n  \"seed\": tru\n}");
  CHECK_THAT(message, StartsWith("net.json: line 3, column "));
  CHECK_THAT(message, Contains("syntax error"));
  CHECK_THAT(message, !Contains("json.exception"));
  CHECK_THAT(error_of(""), StartsWith("net.json: line 1, column 1: "));
  CHECK_THAT(error_of("{\"populations\": []} trailing"), StartsWith("net.json: line 1, column "));
}

TEST_CASE("the document must be an object", "[compiler][network_json]") {
  CHECK(error_of("[1, 2]") == "net.json: (root): expected an object, got array");
}

TEST_CASE("duplicate keys are refused instead of keeping the last", "[compiler][network_json]") {
  CHECK(error_of(R"({"seed": 1, "seed": 2, "populations": []})") ==
        "net.json: /seed: duplicate key 'seed' (JSON would silently keep only the last one)");
  const std::string nested =
      R"({"populations": [{"name": "a", "type": "lif", "size": 1},
                          {"name": "b", "type": "lif", "size": 1, "size": 2}]})";
  CHECK_THAT(error_of(nested), StartsWith("net.json: /populations/1/size: duplicate key 'size'"));
}

TEST_CASE("wrong JSON type of a field", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("size as a string") {
    doc["populations"][1]["size"] = "2";
    CHECK(error_of(doc) == "net.json: /populations/1/size: expected an integer, got string '2'");
  }
  SECTION("size not an integer") {
    doc["populations"][1]["size"] = 2.5;
    CHECK(error_of(doc) == "net.json: /populations/1/size: expected an integer, got number 2.5");
  }
  SECTION("size beyond 32 bits") {
    doc["populations"][1]["size"] = 5000000000ULL;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/size: must be at most 4294967295, got 5000000000");
  }
  SECTION("negative seed") {
    doc["seed"] = -3;
    CHECK(error_of(doc) == "net.json: /seed: expected a non-negative integer, got number -3");
  }
  SECTION("dt_ms as a string") {
    doc["dt_ms"] = "1";
    CHECK(error_of(doc) == "net.json: /dt_ms: expected a number, got string '1'");
  }
  SECTION("name as a number") {
    doc["populations"][0]["name"] = 5;
    CHECK(error_of(doc) == "net.json: /populations/0/name: expected a string, got number 5");
  }
  SECTION("plastic as a string") {
    doc["projections"][2]["plastic"] = "yes";
    CHECK(error_of(doc) ==
          "net.json: /projections/2/plastic: expected true or false, got string 'yes'");
  }
  SECTION("populations as an object") {
    doc["populations"] = json::object();
    CHECK(error_of(doc) ==
          "net.json: /populations: expected an array (of population objects), got object");
  }
  SECTION("a population as an array") {
    doc["populations"][2] = json::array();
    CHECK(error_of(doc) == "net.json: /populations/2: expected an object, got array");
  }
  SECTION("a weight as null") {
    doc["projections"][0]["weights"][1][2] = nullptr;
    CHECK(error_of(doc) == "net.json: /projections/0/weights/1/2: expected a number, got null");
  }
  SECTION("a sparse index as a float") {
    doc["projections"][1]["synapses"][2][0] = 1.0;
    CHECK(error_of(doc) ==
          "net.json: /projections/1/synapses/2/0: expected an integer, got number 1.0");
  }
}

TEST_CASE("unknown population type", "[compiler][network_json]") {
  json doc = valid_network();
  doc["populations"][1]["type"] = "lifx";
  CHECK(error_of(doc) ==
        "net.json: /populations/1/type: unknown population type 'lifx' "
        "(expected input, lif, alif, cuba_lif or readout)");
}

TEST_CASE("missing required fields", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("population name") {
    doc["populations"][1].erase("name");
    CHECK(error_of(doc) == "net.json: /populations/1: missing required key 'name'");
  }
  SECTION("population type") {
    doc["populations"][1].erase("type");
    CHECK(error_of(doc) == "net.json: /populations/1: missing required key 'type'");
  }
  SECTION("population size") {
    doc["populations"][3].erase("size");
    CHECK(error_of(doc) == "net.json: /populations/3: missing required key 'size'");
  }
  SECTION("projection source") {
    doc["projections"][1].erase("source");
    CHECK(error_of(doc) == "net.json: /projections/1: missing required key 'source'");
  }
  SECTION("projection target") {
    doc["projections"][1].erase("target");
    CHECK(error_of(doc) == "net.json: /projections/1: missing required key 'target'");
  }
  SECTION("populations") {
    doc.erase("populations");
    CHECK(error_of(doc) == "net.json: (root): missing required key 'populations'");
  }
}

TEST_CASE("unknown keys and parameters of another type are refused", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("beta on a lif") {
    doc["populations"][1]["beta"] = 0.1;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/beta: 'beta' does not apply to a lif "
          "population (only to alif)");
  }
  SECTION("tau_syn_ms on a lif (only a cuba_lif has a synaptic current)") {
    doc["populations"][1]["tau_syn_ms"] = 5;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/tau_syn_ms: 'tau_syn_ms' does not apply to a lif "
          "population (only to cuba_lif or readout)");
  }
  SECTION("synaptic_bias on a readout without a synaptic current") {
    doc["populations"][3]["synaptic_bias"] = std::vector<double>(doc["populations"][3]["size"].get<size_t>(), 0.5);
    CHECK(error_of(doc) ==
          "net.json: /populations/3/synaptic_bias: synaptic_bias needs a synaptic current (cuba_lif, or a readout "
          "with tau_syn_ms)");
  }
  SECTION("synaptic_bias of the wrong length on a CubaLI readout") {
    doc["populations"][3]["tau_syn_ms"] = 4;
    doc["populations"][3]["synaptic_bias"] = {0.5};
    CHECK(error_of(doc).find("net.json: /populations/3/synaptic_bias: expected ") == 0);
  }
  SECTION("reset on a readout") {
    doc["populations"][3]["reset"] = "zero";
    CHECK(error_of(doc) ==
          "net.json: /populations/3/reset: 'reset' does not apply to a readout "
          "population (only to lif, alif or cuba_lif)");
  }
  SECTION("an unknown reset") {
    doc["populations"][1]["reset"] = "clear";
    CHECK(error_of(doc) == "net.json: /populations/1/reset: unknown reset 'clear' (expected subtract or zero)");
  }
  SECTION("v_leak without a leak") {
    doc["populations"][1]["leak"] = false;
    doc["populations"][1]["v_leak"] = 0.5;
    CHECK_THAT(error_of(doc), Catch::StartsWith("net.json: /populations/1/v_leak: v_leak = 0.5 needs a leak"));
  }
  SECTION("tau_m_ms on an input") {
    doc["populations"][0]["tau_m_ms"] = 10;
    CHECK(error_of(doc) ==
          "net.json: /populations/0/tau_m_ms: 'tau_m_ms' does not apply to an "
          "input population (only to lif, alif or cuba_lif)");
  }
  SECTION("a typo gets a suggestion") {
    doc["populations"][1]["tau_m"] = 10;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/tau_m: unknown key 'tau_m' (a lif population takes name, "
          "type, size, tau_m_ms, v_th, t_ref_ms, bias, v_leak, reset or leak; did you mean 'tau_m_ms'?)");
  }
  SECTION("top level") {
    doc["sead"] = 3;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /sead: unknown key 'sead' (a network takes "));
    CHECK_THAT(error_of(doc), Contains("did you mean 'seed'?"));
  }
  SECTION("projection") {
    doc["projections"][0]["weight"] = 1;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /projections/0/weight: unknown key 'weight'"));
  }
  SECTION("init") {
    doc["projections"][2]["init"]["p"] = 0.5;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /projections/2/init/p: unknown key 'p' "
                                         "(init takes gain or connection_probability"));
  }
  SECTION("keys with odd characters stay on one line and are escaped in the pointer") {
    doc["populations"][1]["a/b\nc"] = 1;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /populations/1/a~1b\\nc: unknown key "
                                         "'a/b\\nc'"));
  }
}

TEST_CASE("dense weight matrix of the wrong shape", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("rows") {
    doc["projections"][0]["weights"].erase(1);
    CHECK(error_of(doc) ==
          "net.json: /projections/0/weights: expected 2 rows (target 'lif' has "
          "2 neurons), got 1");
  }
  SECTION("row length") {
    doc["projections"][0]["weights"][1].push_back(0.7);
    CHECK(error_of(doc) ==
          "net.json: /projections/0/weights/1: expected 3 weights (source 'in' "
          "has 3 neurons), got 4");
  }
  SECTION("a row that is not an array") {
    doc["projections"][0]["weights"][0] = 0.5;
    CHECK_THAT(error_of(doc),
               StartsWith("net.json: /projections/0/weights/0: expected an array ("));
  }
}

TEST_CASE("non-finite weights and parameters such as 1e999", "[compiler][network_json]") {
  // nlohmann's dump() cannot write an infinity, so splice the literal into the text.
  const auto with_literal = [](json doc, const json::json_pointer& where) {
    doc[where] = "@@";
    std::string text = doc.dump();
    text.replace(text.find("\"@@\""), 4, "1e999");
    return error_of(text);
  };
  const json doc = valid_network();
  CHECK(with_literal(doc, "/projections/0/weights/1/0"_json_pointer) ==
        "net.json: /projections/0/weights/1/0: expected a finite number, got 1e999 (too large "
        "for a double)");
  CHECK_THAT(with_literal(doc, "/projections/1/synapses/0/2"_json_pointer),
             StartsWith("net.json: /projections/1/synapses/0/2: expected a finite number"));
  CHECK_THAT(with_literal(doc, "/populations/1/tau_m_ms"_json_pointer),
             StartsWith("net.json: /populations/1/tau_m_ms: expected a finite number"));
  CHECK_THAT(with_literal(doc, "/populations/3/bias/1"_json_pointer),
             StartsWith("net.json: /populations/3/bias/1: expected a finite number"));
  CHECK_THAT(with_literal(doc, "/dt_ms"_json_pointer),
             StartsWith("net.json: /dt_ms: expected a finite number"));
  CHECK_THAT(with_literal(doc, "/projections/2/init/gain"_json_pointer),
             StartsWith("net.json: /projections/2/init/gain: expected a finite number"));
  // NaN is not JSON at all.
  CHECK_THAT(error_of(R"({"dt_ms": NaN, "populations": []})"), Contains("syntax error"));
}

TEST_CASE("time constants must be positive", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("tau_m_ms zero") {
    doc["populations"][1]["tau_m_ms"] = 0;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/tau_m_ms: tau_m_ms must be a finite time > 0 ms, got 0");
  }
  SECTION("tau_m_ms negative") {
    doc["populations"][2]["tau_m_ms"] = -5;
    CHECK(error_of(doc) ==
          "net.json: /populations/2/tau_m_ms: tau_m_ms must be a finite time > 0 ms, got -5");
  }
  SECTION("tau_a_ms") {
    doc["populations"][2]["tau_a_ms"] = -1200;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /populations/2/tau_a_ms: tau_a_ms must be"));
  }
  SECTION("tau_out_ms") {
    doc["populations"][3]["tau_out_ms"] = 0.0;
    CHECK_THAT(error_of(doc),
               StartsWith("net.json: /populations/3/tau_out_ms: tau_out_ms must be"));
  }
  SECTION("dt_ms") {
    doc["dt_ms"] = 0;
    CHECK(error_of(doc) == "net.json: /dt_ms: dt_ms must be a finite time > 0 ms, got 0");
    doc["dt_ms"] = -1;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /dt_ms: "));
  }
}

TEST_CASE("threshold, refractory period, beta and size ranges", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("v_th zero") {
    doc["populations"][1]["v_th"] = 0;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/v_th: v_th must be a finite threshold > 0, got 0");
  }
  SECTION("v_th negative") {
    doc["populations"][2]["v_th"] = -0.5;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /populations/2/v_th: "));
  }
  SECTION("t_ref_ms negative") {
    doc["populations"][1]["t_ref_ms"] = -1;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/t_ref_ms: t_ref_ms must be a finite time >= 0 ms, got -1");
  }
  SECTION("t_ref_ms zero is fine") {
    doc["populations"][1]["t_ref_ms"] = 0;
    CHECK(error_of(doc) == "<no error>");
  }
  SECTION("beta negative") {
    doc["populations"][2]["beta"] = -0.03;
    CHECK(error_of(doc) ==
          "net.json: /populations/2/beta: beta must be a finite number >= 0, got -0.03");
  }
  SECTION("size zero") {
    doc["populations"][1]["size"] = 0;
    CHECK(error_of(doc) ==
          "net.json: /populations/1/size: population 'lif' must have at least one neuron, got 0");
  }
}

TEST_CASE("dangling projections name the unknown population", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("source") {
    doc["projections"][1]["source"] = "lfi";
    CHECK(error_of(doc) ==
          "net.json: /projections/1/source: unknown population 'lfi' (the "
          "populations are 'in', 'lif', 'alif' or 'out')");
  }
  SECTION("target") {
    doc["projections"][3]["target"] = "hidden";
    CHECK_THAT(error_of(doc),
               StartsWith("net.json: /projections/3/target: unknown population 'hidden'"));
  }
}

TEST_CASE("duplicate population names and projections", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("population name") {
    doc["populations"][2]["name"] = "lif";
    CHECK(error_of(doc) ==
          "net.json: /populations/2/name: duplicate population name 'lif' "
          "(first at /populations/1)");
  }
  SECTION("projection pair") {
    json again = doc["projections"][1];
    doc["projections"].push_back(again);
    CHECK(error_of(doc) ==
          "net.json: /projections/4: duplicate projection 'lif' -> 'alif' "
          "(first at /projections/1)");
  }
  SECTION("empty name") {
    doc["populations"][2]["name"] = "";
    CHECK(error_of(doc) == "net.json: /populations/2/name: population name is empty");
  }
}

TEST_CASE("empty networks are refused", "[compiler][network_json]") {
  CHECK(error_of(R"({"populations": []})") ==
        "net.json: /populations: the network has no populations");
  CHECK(error_of(R"({"populations": [{"name": "in", "type": "input", "size": 4}]})") ==
        "net.json: /populations: the network has only input populations; it needs a lif, alif, "
        "cuba_lif or readout population");
  // The smallest acceptable network: one neuron population, no projections.
  CHECK(error_of(R"({"populations": [{"name": "a", "type": "lif", "size": 1}]})") == "<no error>");
}

TEST_CASE("inputs receive nothing and readouts send nothing", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("input as target") {
    doc["projections"][0]["target"] = "in";
    doc["projections"][0]["weights"] = json::parse("[[1,1,1],[1,1,1],[1,1,1]]");
    CHECK(error_of(doc) ==
          "net.json: /projections/0/target: population 'in' is an input; "
          "inputs receive no projections");
  }
  SECTION("readout as source") {
    doc["projections"][2]["source"] = "out";
    doc["projections"][2]["target"] = "lif";
    CHECK(error_of(doc) ==
          "net.json: /projections/2/source: population 'out' is a readout; "
          "readouts send no spikes");
  }
  SECTION("input straight onto a readout (issue #15: nchip run and compile crashed with SIGSEGV)") {
    doc["projections"][2]["source"] = "in";
    doc["projections"][2].erase("init");
    doc["projections"][2]["weights"] = json::parse("[[1,1,1],[1,1,1]]");
    CHECK(error_of(doc) ==
          "net.json: /projections/2/target: population 'out' is a readout and 'in' an input; readouts read "
          "spiking neurons only (route the input through a lif population)");
  }
}

TEST_CASE("sparse synapses: index range, duplicates and shape", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("pre out of range") {
    doc["projections"][1]["synapses"][1][0] = 2;
    CHECK(error_of(doc) ==
          "net.json: /projections/1/synapses/1/0: pre index 2 out of range "
          "(source 'lif' has 2 neurons)");
  }
  SECTION("post out of range") {
    doc["projections"][1]["synapses"][2][1] = 7;
    CHECK(error_of(doc) ==
          "net.json: /projections/1/synapses/2/1: post index 7 out of range "
          "(target 'alif' has 2 neurons)");
  }
  SECTION("duplicate synapse, reported at its position in the file") {
    doc["projections"][1]["synapses"].push_back(json::parse("[1, 1, 0.0]"));
    doc["projections"][1]["synapses"].push_back(json::parse("[0, 1, 2.0]"));
    CHECK(error_of(doc) ==
          "net.json: /projections/1/synapses/4: duplicate synapse pre 0 -> "
          "post 1 (also at /projections/1/synapses/1)");
  }
  SECTION("not a triple") {
    doc["projections"][1]["synapses"][0] = json::parse("[1, 0]");
    CHECK(error_of(doc) ==
          "net.json: /projections/1/synapses/0: expected [pre, post, weight], "
          "got 2 entries");
  }
}

TEST_CASE("readout bias must have one value per neuron", "[compiler][network_json]") {
  json doc = valid_network();
  doc["populations"][3]["bias"] = json::parse("[0.0, 0.0, 0.0]");
  CHECK(
      error_of(doc) ==
      "net.json: /populations/3/bias: expected 2 bias values (readout 'out' has 2 neurons), got 3");
  doc["populations"][3]["bias"] = json::array();
  CHECK_THAT(error_of(doc), Contains("/populations/3/bias: expected 2 bias values"));
}

TEST_CASE("random init: connection_probability above 0 and at most 1, gain not negative",
          "[compiler][network_json]") {
  json doc = valid_network();
  for (double p : {0.0, -0.1, 1.5}) {
    doc["projections"][3]["init"]["connection_probability"] = p;
    CHECK_THAT(error_of(doc), StartsWith("net.json: /projections/3/init/connection_probability: "
                                         "connection_probability must be in (0, 1], got "));
  }
  doc = valid_network();
  doc["projections"][2]["init"]["gain"] = -1;
  CHECK(error_of(doc) ==
        "net.json: /projections/2/init/gain: gain must be a finite number >= 0, got -1");
  doc["projections"][2]["init"]["gain"] = 0;
  CHECK(error_of(doc) == "<no error>");
}

TEST_CASE("random init of an absurdly large projection is refused, not attempted",
          "[compiler][network_json]") {
  json doc = valid_network();
  doc["populations"][2]["size"] = 100000;
  doc["populations"][3]["size"] = 100000;
  doc["populations"][3].erase("bias");
  doc["projections"].erase(1);  // its explicit synapses are fine, but keep the case minimal
  CHECK(error_of(doc) == "net.json: /projections/1/init: 100000 x 100000 = 10000000000 possible "
                         "synapses is more than the 268435456 a random init draws");
}

TEST_CASE("exactly one of weights, synapses and init", "[compiler][network_json]") {
  json doc = valid_network();
  SECTION("none") {
    doc["projections"][2].erase("init");
    CHECK(error_of(doc) ==
          "net.json: /projections/2: needs exactly one of 'weights' (dense), "
          "'synapses' (sparse) or 'init' (random), got none");
  }
  SECTION("two") {
    doc["projections"][0]["init"] = json::object();
    CHECK_THAT(error_of(doc), Contains("/projections/0: needs exactly one of"));
    CHECK_THAT(error_of(doc), Contains("got 'weights' and 'init'"));
  }
}

TEST_CASE("files that cannot be read", "[compiler][network_json]") {
  const std::string missing = std::string(NCHIP_BINARY_DIR) + "/no/such/net.json";
  CHECK_THROWS_WITH(ir::read_network_file(missing), missing + ": cannot read file");
  CHECK_THROWS_AS(ir::read_network_file(missing), InputError);
  const std::string directory = std::string(NCHIP_SOURCE_DIR) + "/compiler";
  CHECK_THROWS_WITH(ir::read_network_file(directory), directory + ": cannot read file");
}
