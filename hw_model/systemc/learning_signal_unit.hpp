// The learning-signal unit's timing: at each learning step it forms the readout errors from the
// readouts and the host's targets (lsu_error_cycles per readout) and broadcasts them to every core
// over the mesh (the farthest core is reached after its hop distance x hop latency); each core
// then forms L_j = sum_k B_jk err_k itself (NeuronCore::compute). The values are the e-prop
// engine's (hw_model/arith/learning_signal.hpp): this unit only accounts for the time.
#pragma once

#include <cstdint>
#include <cstdlib>

#include "hw_model/systemc/core_program.hpp"

namespace nchip::systemc {

class LearningSignalUnit {
 public:
  void load(const ChipProgram& program, uint32_t hop_latency_cycles, uint32_t error_cycles,
            uint32_t n_readouts) {
    uint32_t farthest = 0;
    const int hx = static_cast<int>(program.host_tile % program.mesh_width);
    const int hy = static_cast<int>(program.host_tile / program.mesh_width);
    for (uint32_t t = 0; t < program.cores.size(); ++t) {
      if (program.cores[t].neuron_count == 0) continue;
      const int x = static_cast<int>(t % program.mesh_width), y = static_cast<int>(t / program.mesh_width);
      const uint32_t d = static_cast<uint32_t>(std::abs(x - hx) + std::abs(y - hy));
      if (d > farthest) farthest = d;
    }
    cycles_per_step_ = uint64_t{error_cycles} * n_readouts + uint64_t{farthest} * hop_latency_cycles;
  }
  // Cycles between the end of the neuron update and the learning signals reaching every core.
  uint64_t cycles_per_step() const { return cycles_per_step_; }

 private:
  uint64_t cycles_per_step_ = 0;
};

}  // namespace nchip::systemc
