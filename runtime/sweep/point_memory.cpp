#include "runtime/sweep/point_memory.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "compiler/chip_json.hpp"
#include "compiler/compile.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/quant_config_json.hpp"
#include "compiler/report.hpp"
#include "hw_model/error.hpp"

namespace nchip::runtime::sweep {

using json = nlohmann::json;

json point_synapse_memory(const SweepPoint& point, const std::string& point_folder) {
  if (point.settings.value("mode", std::string()) != "fixed") return nullptr;
  // The chip as train was given it (the path resolved against the spec's folder).
  std::string chip_path;
  for (size_t i = 0; i + 1 < point.train_args.size(); ++i)
    if (point.train_args[i] == "--chip") chip_path = point.train_args[i + 1];
  try {
    const image::ChipConfig chip = chip_path.empty() ? image::ChipConfig{} : compiler::read_chip_file(chip_path);
    const arith::QuantConfig quant = point.settings.contains("quant")
                                         ? compiler::parse_quant_config_json(point.settings["quant"].dump(), "quant")
                                         : arith::QuantConfig{};
    compiler::CompileOptions options;
    const std::string storage = point.settings.value("storage", std::string("full"));
    if (!image::storage_scheme_from_string(storage, options.storage))
      return json{{"error", "storage '" + storage + "'"}};
    const ir::Network network = ir::read_network_file(point_folder + "/trained.json");
    const auto report = compiler::make_report(compiler::compile_network(network, chip, quant, options));
    uint64_t max_bits = 0;
    for (const auto& core : report.cores) max_bits = std::max(max_bits, core.usage.memory_bits);
    const size_t cores = report.cores.size();
    return json{{"chip", chip_path.empty() ? "built-in 4x4" : chip_path},
                {"cores", cores},
                {"max_core_bits", max_bits},
                {"mean_core_bits", cores ? static_cast<double>(report.memory_bits) / static_cast<double>(cores) : 0.0},
                {"total_bits", report.memory_bits},
                {"learning_bits", report.learning_bits},
                {"core_capacity_bits", chip.core_synapse_memory_bits}};
  } catch (const InputError& e) {  // does not map: the column stays empty, the point stands
    return json{{"error", e.what()}};
  }
}

}  // namespace nchip::runtime::sweep
