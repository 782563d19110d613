// The learning-signal unit: at each learning step it forms the readout errors err^t from the
// chip's readouts y^t and the host's targets (learning::form_errors: the same arith functions
// the functional e-prop engine calls) and broadcasts them to every core, whose PlasticityEngine
// forms L_j = sum_k B_jk err_k + reg_j of its own neurons. Its time: lsu_error_cycles per readout,
// then the broadcast reaches the farthest core after its hop distance x hop latency (a fixed
// formula, not packets through the routers).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "hw_model/learning/learning_pass.hpp"
#include "hw_model/systemc/core_datapath.hpp"
#include "hw_model/systemc/core_program.hpp"

namespace nchip::systemc {

class LearningSignalUnit {
 public:
  using Ops = arith::FixedOps;
  using Signal = arith::Num<Ops, arith::Quantity::learning_signal>;

  void load(const ChipProgram& program, uint32_t hop_latency_cycles, uint32_t error_cycles,
            uint32_t n_readouts, const ChipState* state) {
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
    state_ = state;
    err_.assign(n_readouts, Signal{});
  }
  // Cycles between the end of the neuron update and the learning signals reaching every core.
  uint64_t cycles_per_step() const { return cycles_per_step_; }

  // err^t from the readouts the cores just computed and the step's targets (zero without one).
  void form_errors(const Ops& ops, const learning::LearningStep<Ops>& ls) {
    learning::form_errors(ops, ls, state_->readouts.data(), err_.data());
  }
  const std::vector<Signal>& errors() const { return err_; }  // what the broadcast carries

 private:
  uint64_t cycles_per_step_ = 0;
  const ChipState* state_ = nullptr;
  std::vector<Signal> err_;
};

}  // namespace nchip::systemc
