// Every ```json block of the repository's Markdown files parses and runs: networks (a "populations" key)
// with the network reader, quant configs ("formats", "rounding" or "update_rounding") with the
// quant-config reader (including QuantConfig::range_problem), anything else as JSON. Docs a user
// copies from must not be refused (issue #18: compiler/README.md's trace u12.16). Each network then
// simulates a few steps in float and fixed point, and each quant config runs the 100-LIF example.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/ir/network_json.hpp"
#include "compiler/lower.hpp"
#include "compiler/quant_config_json.hpp"
#include "hw_model/functional/simulator.hpp"

namespace fs = std::filesystem;

namespace {

struct Block {
  std::string where;  // "compiler/README.md:36"
  std::string text;
};

// Build trees (they hold a CMakeCache.txt), hidden folders and the demo's outputs are skipped.
bool skipped(const fs::path& dir) {
  const std::string name = dir.filename().string();
  return name.empty() || name[0] == '.' || name == "out" || fs::exists(dir / "CMakeCache.txt");
}

void collect(const fs::path& root, const fs::path& file, std::vector<Block>& blocks) {
  std::ifstream in(file);
  std::string line, text, where;
  bool inside = false;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!inside && line.rfind("```json", 0) == 0) {
      inside = true;
      text.clear();
      where = fs::relative(file, root).string() + ":" + std::to_string(number);
    } else if (inside && line.rfind("```", 0) == 0) {
      inside = false;
      blocks.push_back({where, text});
    } else if (inside) {
      text += line + "\n";
    }
  }
}

std::vector<Block> json_blocks(const fs::path& root) {
  std::vector<Block> blocks;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && skipped(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".md") collect(root, it->path(), blocks);
  }
  return blocks;
}

// Runs `network` for a few steps in float and in fixed point with `quant`, every input active at
// every other step: a documented example must not only parse but simulate (issue #18).
void simulate_briefly(const nchip::ir::Network& network, const nchip::arith::QuantConfig& quant) {
  const nchip::arith::FloatOps float_ops;
  const auto float_model = nchip::compiler::lower(network, float_ops);
  nchip::arith::SaturationCounts counts;
  const nchip::arith::FixedOps fixed_ops(quant, counts);
  const auto fixed_model = nchip::compiler::lower(network, fixed_ops);
  std::vector<uint32_t> all_inputs(float_model.n_inputs);
  for (uint32_t i = 0; i < float_model.n_inputs; ++i) all_inputs[i] = i;
  nchip::functional::Simulator<nchip::arith::FloatOps> float_sim(float_model, float_ops, 1);
  nchip::functional::Simulator<nchip::arith::FixedOps> fixed_sim(fixed_model, fixed_ops, 1);
  for (int t = 0; t < 20; ++t) {
    const std::vector<uint32_t> active = t % 2 == 0 ? all_inputs : std::vector<uint32_t>{};
    float_sim.step(active);
    fixed_sim.step(active);
  }
  CHECK(float_sim.readouts().size() == fixed_sim.readouts().size());
}

}  // namespace

TEST_CASE("every json block of the READMEs parses with its reader and simulates") {
  const std::vector<Block> blocks = json_blocks(NCHIP_SOURCE_DIR);
  int networks = 0, quant_configs = 0;
  for (const Block& b : blocks) {
    INFO(b.where << ":\n" << b.text);
    nlohmann::json doc;
    REQUIRE_NOTHROW(doc = nlohmann::json::parse(b.text));
    if (doc.is_object() && doc.contains("populations")) {
      nchip::ir::Network network;
      REQUIRE_NOTHROW(network = nchip::ir::parse_network_json(b.text, b.where));
      CHECK_NOTHROW(simulate_briefly(network, nchip::arith::QuantConfig{}));
      ++networks;
    } else if (doc.is_object() &&
               (doc.contains("formats") || doc.contains("rounding") || doc.contains("update_rounding"))) {
      nchip::arith::QuantConfig quant;
      REQUIRE_NOTHROW(quant = nchip::compiler::parse_quant_config_json(b.text, b.where));
      // The config runs the 100-LIF example network.
      CHECK_NOTHROW(simulate_briefly(
          nchip::ir::read_network_file(std::string(NCHIP_SOURCE_DIR) + "/examples/networks/pattern_generation_small.json"),
          quant));
      ++quant_configs;
    }
  }
  // compiler/README.md documents both file formats with a block each.
  CHECK(networks >= 1);
  CHECK(quant_configs >= 1);
}
