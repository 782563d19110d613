// A neuron core's plasticity engine: the learning state of the core as its SRAM beside the
// learning datapath would hold it, and the step's learning work on it:
//  - the neurons' inputs to the eligibility-trace unit (h^t captured before the neuron update,
//    rho, beta, kappa) and the learning signals L_j = sum_k B_jk err_k + reg_j of the core's
//    neurons, formed from the errors the learning-signal unit broadcast;
//  - the presynaptic traces zbar of the sources that project onto the core through plastic
//    synapses: one trace slot per (source, trace group of a target here), and for CUBA targets the
//    synaptic filter zsyn of each slot (hw_model/arith/presynaptic_trace.hpp);
//  - the full scheme's per-synapse state (eps_a, kappa-filtered eligibility, weight-change
//    accumulator) of every plastic input and recurrent synapse onto the core's neurons, updated
//    by the eligibility-trace unit (the learning layer's kernel through EtuSynapseStore, over
//    windows of up to 32 buffered steps as in the functional model: bit-identical to one step at
//    a time, see etu_pending_steps.hpp; or an attached EtuUnit, one step at a time);
//  - on a readout core, the filtered spike trains zkappa of the sources of its plastic readout
//    synapses and those synapses' output-weight gradients.
// Every value comes from the functions the functional EpropEngine calls (learning_pass.hpp,
// eligibility_pass.hpp: no second copy of an equation). Plain C++: the core's timing stays in
// NeuronCore.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hw_model/learning/etu_pending_steps.hpp"
#include "hw_model/learning/etu_store.hpp"
#include "hw_model/learning/learning_pass.hpp"
#include "hw_model/systemc/etu_unit.hpp"

namespace nchip::systemc {

class PlasticityEngine {
 public:
  using Ops = arith::FixedOps;
  using State = arith::EtuSynapseState<Ops>;
  using Signal = arith::Num<Ops, arith::Quantity::learning_signal>;
  using Trace = arith::Num<Ops, arith::Quantity::trace>;
  using Accumulator = arith::Num<Ops, arith::Quantity::update_accumulator>;

  // The synapses onto spiking neurons [neuron_first, + neuron_count) and readouts
  // [readout_first, + readout_count) of `network` (counts 0: none).
  void load(const model::NetworkModel<Ops>& network, uint32_t neuron_first, uint32_t neuron_count,
            uint32_t readout_first, uint32_t readout_count);

  void begin_trial();      // eps_a, filtered and traces to zero (a new trial); accumulators kept
  void clear_gradients();  // accumulators and output-weight gradients to zero (a new batch)
  // h^t of the core's neurons: their state before this step's neuron update.
  void capture(const std::vector<arith::SpikingState<Ops>>& neurons);
  // One learning step with the broadcast errors `err` (n_readouts): learning signals, output-weight
  // gradients, the ETU over this core's synapses, then the traces advance to step t. Returns the
  // unit's cycles when an EtuUnit is attached (0 for the built-in C++ unit, whose time
  // NeuronCore::compute accounts).
  uint64_t step(const Ops& ops, const learning::LearningStep<Ops>& ls, const Signal* err);

  // Replaces the C++ unit (nullptr restores it; the pending window runs first); not owned.
  void set_unit(EtuUnit* unit) {
    flush();
    unit_ = unit;
  }
  // Threads the C++ unit splits a window's rows over (nullptr: the calling thread); not owned.
  void use_worker_pool(learning::WorkerPool* pool) { pool_ = pool; }
  // Runs the C++ unit's pending window into the synapse state (its saturations then count). Every
  // reader of the state and every reset calls it first.
  void flush() const;
  bool has_unit() const { return unit_ != nullptr; }

  uint32_t neuron_first() const { return first_; }
  const std::vector<Signal>& learning_signals() const { return L_; }  // of neurons first, first + 1, ...
  const std::vector<learning::PlasticSynapse>& input_synapses() const { return input_.synapses(); }
  const std::vector<learning::PlasticSynapse>& recurrent_synapses() const { return recurrent_.synapses(); }
  size_t plastic_synapses() const { return input_.size() + recurrent_.size(); }
  size_t trace_slots() const { return input_slots_.size() + recurrent_slots_.size(); }
  // State at a position of input_synapses() / recurrent_synapses().
  State input_state(size_t position) const {
    flush();
    return input_.state(position);
  }
  State recurrent_state(size_t position) const {
    flush();
    return recurrent_.state(position);
  }
  // Plastic readout synapses onto this core's readouts (indices in readout_synapses), and the
  // gradient accumulated at each position.
  size_t output_synapses() const { return output_.size(); }
  uint32_t output_synapse(size_t position) const { return output_[position].synapse; }
  const Accumulator& output_gradient(size_t position) const { return output_gradient_[position]; }

 private:
  struct TraceSlot {
    uint32_t source = 0, group = 0;
    arith::PresynapticFilter<Ops> filter;  // the targets' filter (alpha, IF, CUBA's alpha_syn)
  };
  struct OutputSynapse {
    uint32_t synapse = 0, readout = 0, slot = 0;  // slot: index into zkappa_sources_ / zkappa_
  };
  void gather(const learning::EtuSynapseStore<Ops>& store, const Trace* traces, uint64_t seed, uint64_t step,
              std::vector<State>& scratch);
  // Buffers this step for the C++ unit (running the window first if the ops, seeds or kappa
  // changed, and after it when it is full).
  void buffer_step(const Ops& ops, const learning::LearningStep<Ops>& ls);
  void advance(const Ops& ops, const learning::LearningStep<Ops>& ls, const std::vector<TraceSlot>& slots,
               std::vector<Trace>& traces, std::vector<Trace>& synaptic, bool recurrent) const;

  uint32_t first_ = 0, count_ = 0, n_inputs_ = 0, n_neurons_ = 0;
  // Per neuron of the core: h^t (captured before the neuron update), L^t, the ETU constants.
  std::vector<arith::Num<Ops, arith::Quantity::pseudo_derivative>> h_;
  std::vector<Signal> L_;
  std::vector<arith::Num<Ops, arith::Quantity::decay>> rho_;
  std::vector<arith::Num<Ops, arith::Quantity::voltage>> beta_;
  std::vector<uint8_t> adaptive_;
  std::vector<TraceSlot> input_slots_, recurrent_slots_;
  std::vector<Trace> input_traces_, recurrent_traces_;
  std::vector<Trace> input_synaptic_, recurrent_synaptic_;  // zsyn per slot (CUBA targets' filter)
  // Mutable because the const state readers must first run the pending window into the state;
  // nothing else changes there.
  mutable learning::EtuSynapseStore<Ops> input_, recurrent_;
  mutable learning::EtuPendingSteps<Ops> pending_;
  // What the pending steps run with: the ops (formats, saturation counts), the draw seeds, kappa.
  std::optional<Ops> pending_ops_;
  learning::WorkerPool* pool_ = nullptr;
  uint64_t pending_seed_input_ = 0, pending_seed_recurrent_ = 0;
  arith::Num<Ops, arith::Quantity::decay> pending_kappa_{};
  arith::Num<Ops, arith::Quantity::decay> kappa_{};  // the ETU's filter decay this step (eq. 45)
  arith::PresynapticFilter<Ops> readout_filter_{};  // the output-weight trace's filter (eq. 48)
  std::vector<uint32_t> zkappa_sources_;
  std::vector<Trace> zkappa_;
  std::vector<Trace> zsyn_out_;  // CubaLI readouts' synaptic filter of each source, as zkappa_
  std::vector<OutputSynapse> output_;
  std::vector<Accumulator> output_gradient_;
  EtuUnit* unit_ = nullptr;
  std::vector<EtuRequest> batch_;          // reused: the step's requests for an attached unit
  std::vector<State> input_scratch_, recurrent_scratch_;  // their states, written back after the unit
};

}  // namespace nchip::systemc
