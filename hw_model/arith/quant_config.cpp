#include "hw_model/arith/quant_config.hpp"

namespace nchip::arith {

const char* to_string(Quantity quantity) {
  switch (quantity) {
    case Quantity::weight: return "weight";
    case Quantity::voltage: return "voltage";
    case Quantity::adaptation: return "adaptation";
    case Quantity::decay: return "decay";
    case Quantity::gain: return "gain";
    case Quantity::pseudo_derivative: return "pseudo_derivative";
    case Quantity::trace: return "trace";
    case Quantity::eligibility: return "eligibility";
    case Quantity::learning_signal: return "learning_signal";
    case Quantity::update_accumulator: return "update_accumulator";
  }
  return "?";
}

std::array<Format, kQuantityCount> QuantConfig::default_formats() {
  std::array<Format, kQuantityCount> f{};
  // Weights of the examples are ~N(0, 1/fan_in): |w| < 2 with 2^-12 resolution (16-bit SRAM word).
  f[index_of(Quantity::weight)] = {16, 12, true};
  // Voltages stay within a few v_th (<= 1): +-128 range with 2^-16 resolution.
  f[index_of(Quantity::voltage)] = {24, 16, true};
  // a grows by 1 per spike and decays with tau_a (1200 ms): rate * tau_a stays far below 256.
  f[index_of(Quantity::adaptation)] = {24, 16, false};
  // rho = exp(-1/1200) needs ~24 fraction bits to keep tau_a within 0.1 %.
  f[index_of(Quantity::decay)] = {24, 24, false};
  // 1 / v_th for v_th down to 0.01.
  f[index_of(Quantity::gain)] = {24, 16, false};
  // h <= gamma = 0.3.
  f[index_of(Quantity::pseudo_derivative)] = {16, 16, false};
  // zbar <= 1 / (1 - alpha) = 20.5 for tau_m = 20 ms.
  f[index_of(Quantity::trace)] = {24, 16, false};
  f[index_of(Quantity::eligibility)] = {24, 16, true};
  f[index_of(Quantity::learning_signal)] = {16, 12, true};
  f[index_of(Quantity::update_accumulator)] = {32, 24, true};
  return f;
}

std::string QuantConfig::problem() const {
  for (Quantity q : kAllQuantities) {
    const std::string why = (*this)[q].problem();
    if (!why.empty()) return std::string("formats.") + to_string(q) + ": " + why;
  }
  if ((*this)[Quantity::decay].is_signed)
    return "formats.decay: decay constants lie in [0, 1) and must be unsigned";
  if ((*this)[Quantity::gain].max_real() < 1.0)
    return "formats.gain: " + (*this)[Quantity::gain].describe() +
           " cannot hold 1.0 (gains are 1 / v_th and the pseudo-derivative's 1 - |v - A| / v_th)";
  if ((*this)[Quantity::voltage].frac < (*this)[Quantity::weight].frac)
    return "formats.voltage: needs at least as many fraction bits as formats.weight so synaptic "
           "input adds exactly";
  if (weight_headroom_bits < 0 || weight_headroom_bits > 8)
    return "weight_headroom_bits: must be between 0 and 8, got " + std::to_string(weight_headroom_bits);
  return {};
}

}  // namespace nchip::arith
