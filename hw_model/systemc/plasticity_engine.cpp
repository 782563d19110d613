#include "hw_model/systemc/plasticity_engine.hpp"

#include <unordered_map>

namespace nchip::systemc {

void PlasticityEngine::load(const model::NetworkModel<Ops>& network, uint32_t first, uint32_t count,
                            uint32_t readout_first, uint32_t readout_count) {
  first_ = first;
  count_ = count;
  n_inputs_ = network.n_inputs;
  n_neurons_ = network.n_neurons();
  const learning::TraceGroups<Ops> groups = learning::trace_groups(network);
  h_.assign(count, {});
  L_.assign(count, Signal{});
  rho_.resize(count);
  beta_.resize(count);
  adaptive_.resize(count);
  for (uint32_t l = 0; l < count; ++l) {
    const auto& n = network.neurons[first + l];
    rho_[l] = n.rho;
    beta_[l] = n.beta;
    adaptive_[l] = n.adaptive ? 1 : 0;
  }
  // One trace slot per (source, trace group) that some plastic synapse onto this core reads.
  auto build = [&](const model::SynapseMatrix<Ops>& m, uint32_t n_sources, std::vector<TraceSlot>& slots) {
    slots.clear();
    std::unordered_map<uint64_t, uint32_t> slot_of;
    return learning::plastic_synapses(m, n_sources, first, first + count, [&](uint32_t i, uint32_t j) {
      const uint32_t g = groups.group_of[j];
      const auto [it, fresh] = slot_of.try_emplace(uint64_t{g} * n_sources + i, static_cast<uint32_t>(slots.size()));
      if (fresh) slots.push_back({i, g, groups.filter[g]});
      return it->second;
    });
  };
  input_.build(build(network.input_synapses, n_inputs_, input_slots_), adaptive_);
  recurrent_.build(build(network.recurrent_synapses, n_neurons_, recurrent_slots_), adaptive_);
  input_traces_.assign(input_slots_.size(), Trace{});
  recurrent_traces_.assign(recurrent_slots_.size(), Trace{});
  input_synaptic_.assign(input_slots_.size(), Trace{});
  recurrent_synaptic_.assign(recurrent_slots_.size(), Trace{});
  pending_.configure(count_, input_traces_.size(), recurrent_traces_.size());
  pending_ops_.reset();

  // Plastic readout synapses onto this core's readouts, source-major; one zkappa per source.
  readout_filter_ = learning::output_trace_filter(network.readouts);
  zkappa_sources_.clear();
  output_.clear();
  const auto& ro = network.readout_synapses;
  for (uint32_t j = 0; j < ro.n_sources; ++j)
    for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s) {
      const uint32_t k = ro.target[s];
      if (!ro.plastic[s] || k < readout_first || k >= readout_first + readout_count) continue;
      if (zkappa_sources_.empty() || zkappa_sources_.back() != j) zkappa_sources_.push_back(j);
      output_.push_back({s, k, static_cast<uint32_t>(zkappa_sources_.size() - 1)});
    }
  zkappa_.assign(zkappa_sources_.size(), Trace{});
  zsyn_out_.assign(zkappa_sources_.size(), Trace{});
  output_gradient_.assign(output_.size(), Accumulator{});
}

void PlasticityEngine::begin_trial() {
  flush();  // the last trial's steps, before eps_a and filtered are reset
  input_.begin_trial();
  recurrent_.begin_trial();
  for (auto& t : input_traces_) t = {};
  for (auto& t : recurrent_traces_) t = {};
  for (auto& t : input_synaptic_) t = {};
  for (auto& t : recurrent_synaptic_) t = {};
  for (auto& t : zkappa_) t = {};
  for (auto& t : zsyn_out_) t = {};
}

void PlasticityEngine::clear_gradients() {
  flush();
  input_.clear_accumulators();
  recurrent_.clear_accumulators();
  for (auto& g : output_gradient_) g = {};
}

void PlasticityEngine::capture(const std::vector<arith::SpikingState<Ops>>& neurons) {
  for (uint32_t l = 0; l < count_; ++l) h_[l] = neurons[first_ + l].h;
}

// The step's requests of one set for an attached unit, on copies of the states (`scratch`, written
// back by step() once the unit has run), in entry order.
void PlasticityEngine::gather(const learning::EtuSynapseStore<Ops>& store, const Trace* traces, uint64_t seed,
                              uint64_t step, std::vector<State>& scratch) {
  scratch.resize(store.size());
  for (size_t e = 0; e < store.size(); ++e) {
    const learning::PlasticSynapse& ps = store.synapses()[e];
    scratch[e] = store.state(e);
    const arith::EtuNeuronInput<Ops> n{h_[ps.neuron], rho_[ps.neuron], beta_[ps.neuron], kappa_, L_[ps.neuron],
                                       adaptive_[ps.neuron] != 0};
    batch_.push_back({n, traces[ps.trace_slot], &scratch[e], arith::DrawKey{seed, 0, ps.synapse, step}});
  }
}

void PlasticityEngine::buffer_step(const Ops& ops, const learning::LearningStep<Ops>& ls) {
  const bool same = pending_ops_ && pending_ops_->q == ops.q && pending_ops_->sat == ops.sat &&
                    pending_seed_input_ == ls.seeds.input && pending_seed_recurrent_ == ls.seeds.recurrent &&
                    pending_kappa_ == kappa_;
  if (!same) {
    flush();
    pending_ops_ = ops;
    pending_seed_input_ = ls.seeds.input;
    pending_seed_recurrent_ = ls.seeds.recurrent;
    pending_kappa_ = kappa_;
  }
  pending_.push(ls.step, h_.data(), L_.data(), input_traces_.data(), recurrent_traces_.data());
  if (pending_.size() == learning::EtuPendingSteps<Ops>::kCapacity) flush();
}

// Each synapse sees the window's steps in order with the inputs and key {seed, 0, synapse, step} of
// each: the result of running step by step.
void PlasticityEngine::flush() const {
  if (pending_.size() == 0) return;
  const learning::EtuNeuronConstants<Ops> constants{rho_.data(), beta_.data(), pending_kappa_};
  input_.run(*pending_ops_, constants, pending_.input_window(pending_seed_input_), pool_);
  recurrent_.run(*pending_ops_, constants, pending_.recurrent_window(pending_seed_recurrent_), pool_);
  pending_.clear();
}

void PlasticityEngine::advance(const Ops& ops, const learning::LearningStep<Ops>& ls,
                               const std::vector<TraceSlot>& slots, std::vector<Trace>& traces,
                               std::vector<Trace>& synaptic, bool recurrent) const {
  for (size_t q = 0; q < slots.size(); ++q)
    traces[q] = learning::presynaptic_trace_step(ops, ls, slots[q].filter, traces[q], synaptic[q], slots[q].group,
                                                   n_inputs_, n_neurons_, recurrent, slots[q].source);
}

uint64_t PlasticityEngine::step(const Ops& ops, const learning::LearningStep<Ops>& ls, const Signal* err) {
  // Learning signals of this core's neurons from the broadcast errors.
  for (uint32_t l = 0; l < count_; ++l) L_[l] = learning::form_learning_signal(ops, ls, err, first_ + l);
  kappa_ = ls.eligibility_kappa;
  // Output weights (readout core): zkappa^t, then err_k zkappa_j into each synapse's gradient.
  for (size_t q = 0; q < zkappa_.size(); ++q)
    zkappa_[q] = learning::output_trace_step(ops, ls, readout_filter_, zkappa_[q], zsyn_out_[q], zkappa_sources_[q]);
  if (ls.has_target)
    for (size_t p = 0; p < output_.size(); ++p) {
      const OutputSynapse& o = output_[p];
      if (zkappa_[o.slot].raw == 0) continue;  // err x 0: nothing to add (as the engine skips it)
      output_gradient_[p] = arith::add(
          ops, output_gradient_[p], learning::output_gradient_term(ops, ls, err[o.readout], zkappa_[o.slot], o.synapse));
    }
  // The eligibility-trace unit with zbar^{t-1}, then the traces move to zbar^t.
  uint64_t cycles = 0;
  if (!unit_) {
    buffer_step(ops, ls);
  } else {
    // Each synapse appears once per step, so the batch never issues a synapse twice in flight.
    batch_.clear();
    gather(input_, input_traces_.data(), ls.seeds.input, ls.step, input_scratch_);
    gather(recurrent_, recurrent_traces_.data(), ls.seeds.recurrent, ls.step, recurrent_scratch_);
    cycles = unit_->run(ops, batch_);
    for (size_t e = 0; e < input_.size(); ++e) input_.set_state(e, input_scratch_[e]);
    for (size_t e = 0; e < recurrent_.size(); ++e) recurrent_.set_state(e, recurrent_scratch_[e]);
  }
  advance(ops, ls, input_slots_, input_traces_, input_synaptic_, false);
  advance(ops, ls, recurrent_slots_, recurrent_traces_, recurrent_synaptic_, true);
  return cycles;
}

}  // namespace nchip::systemc
