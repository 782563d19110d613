#include "hw_model/systemc/core_datapath.hpp"

#include <algorithm>

namespace nchip::systemc {

void CoreDatapath::bind(const CoreProgram& program, const model::NetworkModel<arith::FixedOps>& network,
                        const arith::FixedOps& ops, ChipState& state) {
  program_ = &program;
  network_ = &network;
  ops_ = &ops;
  state_ = &state;
  // The core's delay ring has as many slots as its longest incoming delay (what the compiler
  // accounts for in core memory, image::kDelaySlotBits).
  uint32_t neuron_slots = 1, readout_slots = 1;
  for (const SynapseRef& ref : program.refs) {
    if (ref.set == SynapseSet::readout)
      readout_slots = std::max(readout_slots, network.readout_synapses.delay_of(ref.index));
    else
      neuron_slots = std::max(neuron_slots, (ref.set == SynapseSet::input ? network.input_synapses
                                                                           : network.recurrent_synapses)
                                                .delay_of(ref.index));
  }
  neuron_input_.assign(program.neuron_count, neuron_slots);
  readout_input_.assign(program.readout_count, readout_slots);
  events_this_step_ = 0;
  runs_.clear();
  run_start_.assign(1, 0);
  for (size_t g = 0; g + 1 < program.group_start.size(); ++g) {
    for (uint32_t r = program.group_start[g]; r < program.group_start[g + 1]; ++r) {
      const SynapseRef ref = program.refs[r];
      if (runs_.size() > run_start_.back() && runs_.back().set == ref.set && runs_.back().end == ref.index)
        ++runs_.back().end;
      else
        runs_.push_back({ref.set, ref.index, ref.index + 1});
    }
    run_start_.push_back(static_cast<uint32_t>(runs_.size()));
  }
}

void CoreDatapath::clear_inputs() {
  neuron_input_.clear();
  readout_input_.clear();
  events_this_step_ = 0;
}

void CoreDatapath::advance_inputs() {
  neuron_input_.advance();
  readout_input_.advance();
  events_this_step_ = 0;
}

uint32_t CoreDatapath::fan_out(uint32_t key) const {
  const auto it = program_->group_of_key.find(key);
  if (it == program_->group_of_key.end()) return 0;
  return program_->group_start[it->second + 1] - program_->group_start[it->second];
}

uint32_t CoreDatapath::group_of(uint32_t key) const {
  const auto it = program_->group_of_key.find(key);
  return it == program_->group_of_key.end() ? kNoGroup : it->second;
}

uint32_t CoreDatapath::deliver_group(uint32_t group) {
  if (group == kNoGroup) return 0;
  const auto& net = *network_;
  // The next step's sums (delay 1, nearly every synapse), located once per packet rather than
  // once per synapse (DelayRing::slot divides).
  int64_t* const readout_next = readout_input_.slot(1);
  int64_t* const neuron_next = neuron_input_.slot(1);
  for (uint32_t k = run_start_[group]; k < run_start_[group + 1]; ++k) {
    const Run run = runs_[k];
    const bool readout = run.set == SynapseSet::readout;
    const auto& m = readout ? net.readout_synapses
                    : run.set == SynapseSet::input ? net.input_synapses
                                                   : net.recurrent_synapses;
    const uint32_t first = readout ? program_->readout_first : program_->neuron_first;
    int64_t* const next = readout ? readout_next : neuron_next;
    model::DelayRing<int64_t>& ring = readout ? readout_input_ : neuron_input_;
    // The same accumulate() the functional simulator's deliver() calls, per synapse.
    if (m.delay_steps.empty()) {
      for (uint32_t s = run.begin; s < run.end; ++s)
        arith::accumulate(*ops_, next[m.target[s] - first], m.weight[s], m.exponent[s]);
    } else {
      for (uint32_t s = run.begin; s < run.end; ++s)
        arith::accumulate(*ops_, ring.pending(m.target[s] - first, m.delay_steps[s]), m.weight[s], m.exponent[s]);
    }
  }
  const uint32_t events = program_->group_start[group + 1] - program_->group_start[group];
  events_this_step_ += events;
  return events;
}

CoreOps CoreDatapath::update(uint64_t step, uint64_t seed, std::vector<uint32_t>& spikes) {
  const auto& ops = *ops_;
  const auto& net = *network_;
  CoreOps done;
  done.synaptic_events = events_this_step_;
  arith::DrawKey key{seed, 0, 0, step};
  for (uint32_t k = 0; k < program_->readout_count; ++k) {
    const uint32_t g = program_->readout_first + k;
    key.index = net.n_neurons() + g;  // the functional simulator's index of readout g
    const auto input = arith::readout_drive(ops, net.readouts[g], state_->readout_currents[g], readout_input_.due(k), key);
    state_->readouts[g] = arith::readout_step(ops, net.readouts[g], state_->readouts[g], input, key);
  }
  for (uint32_t i = 0; i < program_->neuron_count; ++i) {
    const uint32_t j = program_->neuron_first + i;
    key.index = j;
    const auto input = arith::synaptic_drive(ops, net.neurons[j], state_->neurons[j], neuron_input_.due(i), key);
    arith::spiking_step(ops, net.neurons[j], state_->neurons[j], input, key);
    if (state_->neurons[j].z) spikes.push_back(j);
  }
  done.neuron_updates = program_->neuron_count;
  done.readout_updates = program_->readout_count;
  return done;
}

}  // namespace nchip::systemc
