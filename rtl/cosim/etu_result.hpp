// What the eligibility-trace unit returns per update: the state to write back, e, and how many
// results saturated. The reference (etu_reference.hpp) and every RTL driver fill the same struct,
// so the checker compares field by field.
#pragma once

#include <cstdint>

namespace nchip::rtl {

struct EtuResult {
  uint32_t addr = 0;  // synapse address (the unit passes it through for the write-back)
  int32_t eps_a = 0, filtered = 0, accumulator = 0, e = 0;
  uint32_t sat_eligibility = 0;  // saturations in the eligibility format this update
  uint32_t sat_accumulator = 0;  // saturations in the update_accumulator format
};

// Width of the unit's address port (etu.sv ADDR_W); the harness sends the synapse index's low
// bits as the address.
inline constexpr int kEtuAddrBits = 16;
inline constexpr uint32_t etu_address(uint32_t synapse_index) {
  return synapse_index & ((uint32_t{1} << kEtuAddrBits) - 1);
}

// Pipeline depth of etu.sv (LATENCY): an input accepted at cycle c leaves at cycle c + 9.
inline constexpr int kEtuLatency = 9;

}  // namespace nchip::rtl
