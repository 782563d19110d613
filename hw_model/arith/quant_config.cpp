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
    case Quantity::adam_m: return "adam_m";
    case Quantity::adam_v: return "adam_v";
    case Quantity::synaptic_current: return "synaptic_current";
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
  // The batch's weight change sums L * ebar over every step of every trial of a batch (hundreds to
  // thousands of terms of order 0.1-1): s32.24 (+-128) clips on the first trials of pattern
  // generation; s32.16 keeps +-32768 with 2^-16 steps.
  f[index_of(Quantity::update_accumulator)] = {32, 16, true};
  // Adam's m averages accumulators (same scale): s32.16 like them. v averages their squares
  // (unsigned, so at most 31 bits in an int32 raw): u31.6 holds g^2 up to 2^25 (|g| < 5792; batch
  // gradients of the e-prop tasks have RMS 80-1700) and its LSB 2^-6 is Adam's epsilon^2
  // (epsilon = 1/8 in gradient units, adam_update.hpp).
  f[index_of(Quantity::adam_m)] = {32, 16, true};
  f[index_of(Quantity::adam_v)] = {31, 6, false};
  // A CUBA neuron's current i = sum W z filtered by alpha_syn: at most 1 / (1 - alpha_syn) times
  // one step's input, which for tau_syn = 5 ms is 5.5x; the voltage's s24.16 (+-128) keeps its
  // resolution, so i adds to v without rounding.
  f[index_of(Quantity::synaptic_current)] = {24, 16, true};
  return f;
}

namespace {

// The least magnitude each judged quantity's format must hold, and why.
struct LeastRange {
  Quantity quantity;
  double least;
  const char* why;
};
constexpr LeastRange kLeastRanges[] = {
    {Quantity::voltage, 1.0, "voltages, thresholds and readout targets are of order 1"},
    {Quantity::adaptation, 1.0, "the adaptation a grows by 1 per spike"},
    {Quantity::pseudo_derivative, 0.3, "h reaches gamma = 0.3"},
    {Quantity::trace, 1.0, "a presynaptic trace grows by 1 per spike"},
    {Quantity::eligibility, 0.3, "e = h x zbar reaches gamma = 0.3 with one spike's trace"},
    {Quantity::learning_signal, 0.5, "L = B x err with errors of order 1"},
    {Quantity::update_accumulator, 1.0, "it sums L x e over every step of a batch"},
    {Quantity::synaptic_current, 1.0, "a CUBA neuron's current carries inputs of order v_th"},
};

std::string trim_number(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string QuantConfig::range_problem() const {
  for (const LeastRange& r : kLeastRanges) {
    const Format& f = (*this)[r.quantity];
    if (f.max_real() >= r.least) continue;
    int frac = f.frac;
    while (frac > 0 && Format{f.width, frac, f.is_signed}.max_real() < r.least) --frac;
    std::string text = std::string("formats.") + to_string(r.quantity) + ": " + f.describe() + " holds at most " +
                       trim_number(f.max_real());
    if (f.frac > f.width) text += " (its fraction is wider than its width)";
    return text + ", but " + r.why + ": it must hold at least " + trim_number(r.least) + ", e.g. frac " +
           std::to_string(frac) + " for width " + std::to_string(f.width);
  }
  return {};
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
  if ((*this)[Quantity::adam_v].is_signed) return "formats.adam_v: v is a mean of squares and must be unsigned";
  if (weight_headroom_bits < 0 || weight_headroom_bits > 8)
    return "weight_headroom_bits: must be between 0 and 8, got " + std::to_string(weight_headroom_bits);
  return {};
}

}  // namespace nchip::arith
