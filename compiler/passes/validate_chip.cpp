#include "compiler/passes/validate_chip.hpp"

#include <cmath>

#include <fmt/format.h>

#include "compiler/lower.hpp"
#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

using arith::Quantity;

void check_range(const ir::Population& pop, const char* parameter, double value,
                 const arith::QuantConfig& quant, Quantity q, bool must_be_nonzero) {
  const arith::Format& f = quant[q];
  const bool too_big = value > f.max_real() + f.lsb() / 2 || value < f.min_real() - f.lsb() / 2;
  const bool vanishes = must_be_nonzero && std::fabs(value) < f.lsb() / 2;
  if (too_big || vanishes)
    throw InputError(fmt::format(
        "population '{}': {} = {} is not representable in the {} format {} (range {} to {}, step {}); "
        "change the parameter or formats.{} in the quant config",
        pop.name, parameter, value, arith::to_string(q), f.describe(), f.min_real(), f.max_real(),
        f.lsb(), arith::to_string(q)));
}

}  // namespace

void validate_for_quant(const ir::Network& network, const arith::QuantConfig& quant) {
  for (const auto& pop : network.populations) {
    if (pop.type == ir::PopulationType::input) continue;
    if (pop.type == ir::PopulationType::readout) {
      for (double b : pop.bias) check_range(pop, "bias", b, quant, Quantity::voltage, false);
      continue;
    }
    check_range(pop, "v_th", pop.v_th, quant, Quantity::voltage, true);
    check_range(pop, "1 / v_th", 1.0 / pop.v_th, quant, Quantity::gain, true);
    if (pop.type == ir::PopulationType::alif) check_range(pop, "beta", pop.beta, quant, Quantity::voltage, false);
    for (double b : pop.bias) check_range(pop, "bias", b, quant, Quantity::voltage, false);
    refractory_steps(pop, network.dt_ms);  // throws beyond the counter
  }
}

void validate_for_chip(const ir::Network& network, const image::ChipConfig& chip,
                       const arith::QuantConfig& quant) {
  for (const auto& pop : network.populations) {
    if (pop.type == ir::PopulationType::input) continue;
    // A readout with a synaptic current (NIR CubaLI) needs the CUBA current hardware as well.
    for (const std::string& model : {std::string(ir::to_string(pop.type)), std::string(pop.readout_current ? "cuba_lif" : "")}) {
      if (model.empty() || chip.supports(model)) continue;
      std::string list;
      for (size_t i = 0; i < chip.neuron_models.size(); ++i)
        list += (i == 0 ? "" : ", ") + chip.neuron_models[i];
      throw InputError(fmt::format(
          "population '{}' uses neuron type '{}'{}, which chip '{}' does not support (neuron_models: {})", pop.name,
          model, pop.type == ir::PopulationType::readout && model == "cuba_lif" ? " (its synaptic current, tau_syn_ms)" : "", chip.name,
          list.empty() ? "none" : list));
    }
  }
  validate_for_quant(network, quant);
}

}  // namespace nchip::compiler
