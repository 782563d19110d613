#include "hw_model/systemc/neuron_core.hpp"

namespace nchip::systemc {

NeuronCore::NeuronCore(const sc_core::sc_module_name& name, NocContext& ctx, TileStats& stats,
                       uint32_t fifo_depth)
    : sc_core::sc_module(name), ctx_(ctx), stats_(stats) {
  receive.set_capacity(fifo_depth);
  inject.stalls = &stats_.stalls;
  SC_THREAD(receive_loop);
  SC_THREAD(inject_loop);
}

void NeuronCore::load(const CoreProgram* program, const image::ChipConfig* chip,
                      const model::NetworkModel<arith::FixedOps>* network, const arith::FixedOps* ops,
                      ChipState* state) {
  program_ = program && !program->empty() ? program : nullptr;
  chip_ = chip;
  if (program_) datapath_.bind(*program_, *network, *ops, *state);
  state_ = state;
  if (network)
    plasticity.load(*network, program_ ? program_->neuron_first : 0, program_ ? program_->neuron_count : 0,
                    program_ ? program_->readout_first : 0, program_ ? program_->readout_count : 0);
  plasticity.set_unit(nullptr);  // an RTL unit is attached per load (TimedChip::set_etu_unit)
  reset();
}

void NeuronCore::reset() {
  to_send_.clear();
  inject.reset();
  if (program_) datapath_.clear_inputs();
  synaptic_events_seen_ = 0;
}

void NeuronCore::receive_loop() {
  for (;;) {
    const Packet p = receive.wait_front();
    if (trace_queue) trace_queue->write(static_cast<uint32_t>(receive.size()));
    const uint32_t events = program_ ? datapath_.deliver(p.key) : 0;
    // Routes are per slice (one key/mask entry per source core), so a core also receives spikes
    // of neurons that have no synapse here: the lookup finds nothing and costs no synaptic op.
    if (events == 0) ++stats_.empty_deliveries;
    stats_.synaptic_events += events;
    const uint64_t cycles = uint64_t{events} * (chip_ ? chip_->cycles_synaptic_op : 0);
    stats_.synaptic_cycles += cycles;
    synaptic_events_seen_ += events;
    if (trace_events) trace_events->write(static_cast<uint32_t>(synaptic_events_seen_));
    if (cycles) sc_core::wait(cycles * ctx_.cycle);
    stats_.last_receive_cycle = ctx_.now_cycles();
    receive.pop();
    if (trace_queue) trace_queue->write(static_cast<uint32_t>(receive.size()));
    ctx_.consumed();
  }
}

void NeuronCore::inject_loop() {
  for (;;) {
    sc_core::wait(start);
    const uint64_t now = ctx_.now_cycles();
    for (uint32_t key : to_send_) {
      inject.send(ctx_, Packet{key, 0, now});
      ++stats_.injected;
    }
    to_send_.clear();
    ctx_.injector_done();
  }
}

uint64_t NeuronCore::compute(uint64_t step, uint64_t seed, bool learning, uint32_t n_readouts,
                             std::vector<uint32_t>& fired) {
  if (!program_) return 0;
  const size_t before = fired.size();
  if (learning) plasticity.capture(state_->neurons);  // h^t, before the neuron update
  const CoreOps ops = datapath_.update(step, seed, fired);
  datapath_.advance_inputs();
  for (size_t i = before; i < fired.size(); ++i) {
    const uint32_t local = fired[i] - program_->neuron_first;
    if (program_->sends[local]) to_send_.push_back(program_->spike_key[local]);
  }
  const image::ChipConfig& c = *chip_;
  const uint64_t updates = uint64_t{ops.neuron_updates} + ops.readout_updates;
  stats_.neuron_updates += updates;
  uint64_t cycles = updates * c.cycles_neuron_update;
  if (learning) {
    // Learning signals L_j = sum_k B_jk err_k (one multiply-accumulate per neuron and readout,
    // costed like a synaptic op), then the eligibility datapath over every plastic synapse onto
    // this core (input and recurrent), and the output-weight gradient on readout cores.
    cycles += uint64_t{ops.neuron_updates} * n_readouts * c.cycles_synaptic_op;
    const uint64_t etu = program_->plastic_synapses + program_->plastic_readout_synapses;
    stats_.eligibility_updates += etu;
    cycles += etu * c.cycles_eligibility_update;
  }
  stats_.compute_cycles += cycles;
  return cycles;
}

uint64_t NeuronCore::apply_weight_updates(uint32_t optimizer_state_words) {
  if (!program_) return 0;
  const uint64_t n = program_->plastic_synapses + program_->plastic_readout_synapses;
  stats_.weight_updates += n;
  stats_.optimizer_state_updates += n * optimizer_state_words;
  const uint64_t cycles = n * (1 + uint64_t{optimizer_state_words}) * chip_->cycles_weight_update;
  stats_.compute_cycles += cycles;
  return cycles;
}

}  // namespace nchip::systemc
