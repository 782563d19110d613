// Every quantity the chip stores or computes has a name here; its fixed-point format is chosen
// per quantity by QuantConfig, and saturation is counted per quantity.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace nchip::arith {

enum class Quantity : uint8_t {
  weight,             // synaptic weights (input, recurrent, output)
  voltage,            // membrane voltage v, thresholds v_th and beta, readout y, synaptic input
  adaptation,         // threshold adaptation a (eq. 26)
  decay,              // decay constants alpha, rho, kappa in [0, 1)
  gain,               // unitless constants > 1, e.g. 1 / v_th for the pseudo-derivative
  pseudo_derivative,  // h (and gamma), dimensionless, in [0, gamma]
  trace,              // presynaptic trace zbar (eq. 22)
  eligibility,        // eligibility vector component eps_a and traces e (eq. 23, 27, 28, 45)
  learning_signal,    // L_j (errors times feedback weights)
  update_accumulator, // accumulated weight change over a batch
  adam_m,             // on-chip Adam's first moment m per synapse (adam_update.hpp)
  adam_v,             // on-chip Adam's second moment v per synapse, unsigned (adam_update.hpp)
  synaptic_current,   // CUBA neurons' synaptic current i (issue #14), in voltage units per step
};
inline constexpr size_t kQuantityCount = 13;

inline constexpr std::array<Quantity, kQuantityCount> kAllQuantities = {
    Quantity::weight,          Quantity::voltage,     Quantity::adaptation,
    Quantity::decay,           Quantity::gain,        Quantity::pseudo_derivative,
    Quantity::trace,           Quantity::eligibility, Quantity::learning_signal,
    Quantity::update_accumulator, Quantity::adam_m,   Quantity::adam_v,
    Quantity::synaptic_current};

const char* to_string(Quantity quantity);
inline constexpr size_t index_of(Quantity quantity) { return static_cast<size_t>(quantity); }

// Saturation events per quantity: overflow never wraps, it clamps and is counted here.
struct SaturationCounts {
  std::array<uint64_t, kQuantityCount> count{};

  void add(Quantity quantity, uint64_t n = 1) { count[index_of(quantity)] += n; }
  uint64_t operator[](Quantity quantity) const { return count[index_of(quantity)]; }
  uint64_t total() const {
    uint64_t sum = 0;
    for (uint64_t c : count) sum += c;
    return sum;
  }
  SaturationCounts& operator+=(const SaturationCounts& other) {
    for (size_t i = 0; i < kQuantityCount; ++i) count[i] += other.count[i];
    return *this;
  }
  bool operator==(const SaturationCounts& other) const { return count == other.count; }
};

}  // namespace nchip::arith
