// What on-chip learning keeps per synapse, defined once for every layer that needs it: the chip
// image records the storage scheme, the compiler charges its bits against synapse memory, the
// plasticity engine (hw_model/learning) runs it. It lives here, below both the image and the
// learning layer, because the image (which the learning layer must not be above) stores it.
#pragma once

#include <cstdint>
#include <string>

#include "hw_model/arith/quant_config.hpp"

namespace nchip::model {

// How e-prop learning state is kept on chip (issue #3):
//   full     - per plastic synapse: eps_a (ALIF targets only, eq. 27), the kappa-filtered
//              eligibility (eq. 45) and the weight-change accumulator, as in the paper and
//              SpiNNaker's e-prop; weights change once per batch;
//   factored - only per-neuron traces; e = h_j zbar_i is formed on the fly and each weight moves
//              by +-1 LSB with probability ~ lr |L_j e_ji| at every step with a target (ReckOn).
enum class StorageScheme : uint8_t { full, factored };

inline const char* to_string(StorageScheme scheme) {
  return scheme == StorageScheme::full ? "full" : "factored";
}
inline bool storage_scheme_from_string(const std::string& text, StorageScheme& out) {
  if (text == "full") out = StorageScheme::full;
  else if (text == "factored") out = StorageScheme::factored;
  else return false;
  return true;
}

// The three synapse matrices of a network (NetworkModel::input_synapses, recurrent_synapses,
// readout_synapses).
enum class SynapseSet : uint8_t { input, recurrent, readout };

// Bits of learning state (weight not included) a synapse needs beside its weight: none for a
// non-plastic synapse or the factored scheme; in the full scheme the filtered eligibility and the
// accumulator, plus eps_a onto an ALIF target, plus the batch optimizer's state
// (`optimizer_state_bits`, learning::optimizer_state_bits: Lion's m, Adam's m and v).
inline uint32_t learning_state_bits(const arith::QuantConfig& quant, StorageScheme storage, bool plastic,
                                    bool adaptive_target, uint32_t optimizer_state_bits = 0) {
  if (storage == StorageScheme::factored || !plastic) return 0;
  const auto width = [&](arith::Quantity q) { return static_cast<uint32_t>(quant[q].width); };
  uint32_t bits = width(arith::Quantity::eligibility)           // kappa-filtered eligibility
                  + width(arith::Quantity::update_accumulator);  // batch weight change
  if (adaptive_target) bits += width(arith::Quantity::eligibility);  // eps_a (eq. 27)
  return bits + optimizer_state_bits;
}

// Bits per plastic synapse of a scheme, weight included (what `nchip train` reports).
inline uint32_t plastic_synapse_bits(const arith::QuantConfig& quant, StorageScheme storage,
                                     bool adaptive_target) {
  return static_cast<uint32_t>(quant[arith::Quantity::weight].width) +
         learning_state_bits(quant, storage, true, adaptive_target);
}

}  // namespace nchip::model
