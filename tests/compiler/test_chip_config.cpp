// The chip description: defaults, validation, the JSON reader's errors, the shipped examples.
#include <catch2/catch.hpp>

#include "compiler/chip_json.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/chip_config.hpp"

using namespace nchip;

namespace {

std::string chip_error(const std::string& text) {
  try {
    compiler::parse_chip_json(text, "chip.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("default chip description is valid and hashes stably") {
  image::ChipConfig chip;
  CHECK(chip.problem().empty());
  CHECK(image::chip_hash(chip) == image::chip_hash(image::ChipConfig{}));
  image::ChipConfig other;
  other.core_max_neurons += 1;
  CHECK(image::chip_hash(other) != image::chip_hash(chip));
}

TEST_CASE("shipped chips parse, and loihi_like cites a source for each figure") {
  const auto small = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/small.json");
  CHECK(small.name == "small");
  CHECK(small.tiles() == 16);
  const auto loihi = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/loihi_like.json");
  CHECK(loihi.tiles() == 128);
  CHECK(loihi.core_max_neurons == 1024);
  CHECK(loihi.core_synapse_memory_bits == 128u * 1024u * 8u);
  CHECK(loihi.router_table_entries == 1024);
}

TEST_CASE("chip JSON: numbers, figures with sources, and defaults for left-out fields") {
  const auto chip = compiler::parse_chip_json(
      R"({"name": "x", "mesh_width": {"value": 3, "source": "a paper"}, "clock_mhz": 50})", "chip.json");
  CHECK(chip.mesh_width == 3);
  CHECK(chip.clock_mhz == 50.0);
  CHECK(chip.mesh_height == image::ChipConfig{}.mesh_height);
  // The canonical writer reads back to the same description.
  CHECK(image::chip_hash(compiler::parse_chip_json(compiler::chip_to_json(chip), "w")) == image::chip_hash(chip));
}

TEST_CASE("chip JSON errors name the file, the field and the problem") {
  CHECK(chip_error(R"({"core_max_neuron": 5})").rfind("chip.json: /core_max_neuron: unknown key 'core_max_neuron'", 0) == 0);
  CHECK(chip_error(R"({"core_max_neuron": 5})").find("did you mean 'core_max_neurons'") != std::string::npos);
  CHECK(chip_error(R"({"mesh_width": 0})") == "chip.json: /mesh_width: mesh_width: must be >= 1");
  CHECK(chip_error(R"({"mesh_width": -1})").rfind("chip.json: /mesh_width: ", 0) == 0);
  CHECK(chip_error(R"({"mesh_width": {"value": 2, "sorce": "x"}})").rfind("chip.json: /mesh_width/sorce: unknown key", 0) == 0);
  CHECK(chip_error(R"({"mesh_width": {"source": "x"}})").rfind("chip.json: /mesh_width: ", 0) == 0);
  CHECK(chip_error(R"({"neuron_models": ["lif", "izhikevich"]})").find("unknown model 'izhikevich'") != std::string::npos);
  CHECK(chip_error(R"({"clock_mhz": 0})").find("clock_mhz: must be > 0") != std::string::npos);
}

TEST_CASE("chip JSON: one hop energy for both directions, or one per direction, not both") {
  const auto both = compiler::parse_chip_json(R"({"energy_hop_pj": {"value": 3.5, "source": "s"}})", "chip.json");
  CHECK(both.energy_hop_east_west_pj == 3.5);
  CHECK(both.energy_hop_north_south_pj == 3.5);
  const auto split = compiler::parse_chip_json(R"({"energy_hop_east_west_pj": 3, "energy_hop_north_south_pj": 4})", "chip.json");
  CHECK(split.energy_hop_east_west_pj == 3.0);
  CHECK(split.energy_hop_north_south_pj == 4.0);
  CHECK(chip_error(R"({"energy_hop_pj": 3, "energy_hop_north_south_pj": 4})") ==
        "chip.json: /energy_hop_pj: give either energy_hop_pj (both directions) or energy_hop_east_west_pj and "
        "energy_hop_north_south_pj, not both");
  CHECK(chip_error(R"({"energy_hop_pj": -1})").rfind("chip.json: /energy_hop_pj: ", 0) == 0);
}
