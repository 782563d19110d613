// The arithmetic of one neuron core, without time: synaptic accumulation per arriving packet and
// the per-step neuron and readout updates. Every update is a call into hw_model/arith with the
// same draw key the functional simulator uses for that neuron (seed, neuron index, step), so the
// result cannot depend on which core holds a neuron or in which order packets arrive (synaptic
// sums are exact integer adds). NeuronCore (the SystemC module) adds the cycles.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/model/delay_ring.hpp"
#include "hw_model/systemc/core_program.hpp"

namespace nchip::systemc {

using Voltage = arith::Num<arith::FixedOps, arith::Quantity::voltage>;
using SpikingState = arith::SpikingState<arith::FixedOps>;

// State of the whole chip in global neuron order; each core reads and writes only its own range
// (the host reads all of it, as the functional simulator's accessors expose it).
struct ChipState {
  std::vector<SpikingState> neurons;
  std::vector<Voltage> readouts;
  std::vector<arith::Num<arith::FixedOps, arith::Quantity::synaptic_current>> readout_currents;  // CubaLI's i
};

struct CoreOps {  // what one step of one core did (the cycle and energy model counts these)
  uint64_t synaptic_events = 0;
  uint32_t neuron_updates = 0;
  uint32_t readout_updates = 0;
};

class CoreDatapath {
 public:
  void bind(const CoreProgram& program, const model::NetworkModel<arith::FixedOps>& network,
            const arith::FixedOps& ops, ChipState& state);
  void clear_inputs();  // every delay slot to zero (a reset)
  // The step's update is done: its input slot is zeroed and the delay ring moves on one step.
  void advance_inputs();

  // Synapses a packet with `key` reaches on this core (0: not for this core).
  uint32_t fan_out(uint32_t key) const;
  // Adds the packet's weights to the targets' input sums (the slot of each synapse's delay);
  // returns the synaptic events. = deliver_group(group_of(key)), split so that a caller that
  // meets the same key at this core many times (the NoC engine) looks the group up once.
  uint32_t deliver(uint32_t key) { return deliver_group(group_of(key)); }
  static constexpr uint32_t kNoGroup = 0xffffffffu;
  uint32_t group_of(uint32_t key) const;  // kNoGroup: no synapse here
  uint32_t deliver_group(uint32_t group);

  // Readouts y[t] (from z[t]) and neurons v[t+1], z[t+1] (from x[t], z[t]), as
  // functional::Simulator::step does; appends the indices of neurons that fired to `spikes`.
  CoreOps update(uint64_t step, uint64_t seed, std::vector<uint32_t>& spikes);

  const CoreProgram& program() const { return *program_; }

 private:
  const CoreProgram* program_ = nullptr;
  const model::NetworkModel<arith::FixedOps>* network_ = nullptr;
  const arith::FixedOps* ops_ = nullptr;
  ChipState* state_ = nullptr;
  // FixedOps::WeightSum per target and delay slot: the same ring the functional simulator keeps.
  model::DelayRing<int64_t> neuron_input_;
  model::DelayRing<int64_t> readout_input_;
  uint64_t events_this_step_ = 0;
  // Each group's synapses as runs of consecutive indices in one matrix (a key's synapses onto a
  // core's contiguous neurons are one stretch of the source's row, plus one for its readouts), so
  // delivery walks the matrix like the functional simulator's rows: group g is runs_[run_start_[g],
  // run_start_[g + 1]).
  struct Run {
    SynapseSet set = SynapseSet::input;
    uint32_t begin = 0, end = 0;
  };
  std::vector<Run> runs_;
  std::vector<uint32_t> run_start_;
};

}  // namespace nchip::systemc
