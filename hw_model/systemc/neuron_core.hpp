// One neuron core: integrates arriving packets (cycles_synaptic_op per synapse a packet reaches,
// one packet at a time, so a slow core back-pressures its router), sends its neurons' spikes of
// the previous step at the start of a step, and does the neuron update when the chip's sequencer
// says the spike phase is over. The arithmetic is CoreDatapath's (hw_model/arith); this module
// only adds time and counts.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "hw_model/image/chip_config.hpp"
#include "hw_model/systemc/core_datapath.hpp"
#include "hw_model/systemc/link.hpp"
#include "hw_model/systemc/plasticity_engine.hpp"

namespace nchip::systemc {

class NeuronCore : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(NeuronCore);
  NeuronCore(const sc_core::sc_module_name& name, NocContext& ctx, TileStats& stats, uint32_t fifo_depth);

  // Null program: an idle core (outside the loaded image's mesh, or no neurons placed here).
  void load(const CoreProgram* program, const image::ChipConfig* chip,
            const model::NetworkModel<arith::FixedOps>* network, const arith::FixedOps* ops,
            ChipState* state);
  void reset();

  // The compute phase of a step (called by the sequencer): neuron and readout updates, the
  // learning work when `learning`, returns the cycles it takes this core.
  uint64_t compute(uint64_t step, uint64_t seed, bool learning, uint32_t n_readouts,
                   std::vector<uint32_t>& fired);
  // End-of-batch update over this core's plastic synapses; returns its cycles. Each synapse costs
  // cycles_weight_update for its weight and as much again for each of its `optimizer_state_words`
  // (Lion's m: one more read-modify-write of a word per synapse, the same unit, learning::
  // optimizer_state_bits), and counts them (weight_updates, optimizer_state_updates) for energy.
  uint64_t apply_weight_updates(uint32_t optimizer_state_words = 0);

  // For the NoC engine (noc_engine.hpp), which does the receive and inject threads' work: the
  // datapath (null when no neurons are loaded here) and the keys to send at the next step start.
  CoreDatapath* loaded_datapath() { return program_ ? &datapath_ : nullptr; }
  std::vector<uint32_t>& pending_spikes() { return to_send_; }

  PlasticityEngine plasticity;  // learning state of the plastic synapses onto this core's neurons
  PacketFifo receive;
  Link inject;
  sc_core::sc_event start;  // the sequencer's go for this step's injection (one per injector, notified
                            // in a fixed order so equal-time arbitration is reproducible)  // to the router's local input FIFO
  sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>* trace_events = nullptr;
  sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>* trace_queue = nullptr;

 private:
  void receive_loop();
  void inject_loop();

  NocContext& ctx_;
  TileStats& stats_;
  CoreDatapath datapath_;
  const CoreProgram* program_ = nullptr;
  const image::ChipConfig* chip_ = nullptr;
  const ChipState* state_ = nullptr;
  std::vector<uint32_t> to_send_;  // keys of the spikes this core sends at the next step start
  uint64_t synaptic_events_seen_ = 0;
};

}  // namespace nchip::systemc
