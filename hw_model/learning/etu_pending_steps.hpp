// The inputs of the steps the eligibility-trace unit has not run yet: the window that both chip
// models (the functional NetworkDatapath and each SystemC PlasticityEngine) buffer before running
// it through the kernel (etu_kernel.hpp).
//
// Why windows: each synapse's updates depend only on its own state and on the step's inputs (h^t
// and L^t of its target, zbar^{t-1} of its source, the key's step), and saturation counts are
// sums, so running kCapacity steps over a row at once (the row's state stays in registers while
// the window's steps run over it) is bit-identical to running each step over all synapses. The
// owner runs the window when it is full and before anything reads or resets the ETU state.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/learning/etu_kernel.hpp"

namespace nchip::learning {

template <class Ops>
struct EtuPendingSteps {
  using PseudoDerivative = arith::Num<Ops, arith::Quantity::pseudo_derivative>;
  using Signal = arith::Num<Ops, arith::Quantity::learning_signal>;
  using Trace = arith::Num<Ops, arith::Quantity::trace>;

  // Steps per window: enough that a row's state is fetched once per 32 steps instead of every
  // step, few enough that a window's inputs (16 bytes a neuron and 8 a trace per step in float:
  // ~0.5 MB for the 600-neuron net) stay in cache to be re-read for each row.
  static constexpr size_t kCapacity = 32;

  std::vector<uint64_t> step;                     // the draw keys' steps
  std::vector<PseudoDerivative> h;                // [w * neurons + j]: h^t
  std::vector<Signal> L;                          // [w * neurons + j]: L^t
  std::vector<Trace> input_traces;                // [w * input_slots + slot]: xbar as step w read it
  std::vector<Trace> recurrent_traces;            // [w * recurrent_slots + slot]: zbar as step w read it
  size_t neurons = 0, input_slots = 0, recurrent_slots = 0;

  // Sizes of one step's inputs; room for a full window, so buffering a step never allocates.
  void configure(size_t n_neurons, size_t n_input_slots, size_t n_recurrent_slots) {
    clear();
    neurons = n_neurons;
    input_slots = n_input_slots;
    recurrent_slots = n_recurrent_slots;
    step.reserve(kCapacity);
    h.reserve(kCapacity * neurons);
    L.reserve(kCapacity * neurons);
    input_traces.reserve(kCapacity * input_slots);
    recurrent_traces.reserve(kCapacity * recurrent_slots);
  }
  // One step's inputs (arrays of the configured sizes).
  void push(uint64_t key_step, const PseudoDerivative* h_step, const Signal* L_step, const Trace* input_step,
            const Trace* recurrent_step) {
    step.push_back(key_step);
    h.insert(h.end(), h_step, h_step + neurons);
    L.insert(L.end(), L_step, L_step + neurons);
    input_traces.insert(input_traces.end(), input_step, input_step + input_slots);
    recurrent_traces.insert(recurrent_traces.end(), recurrent_step, recurrent_step + recurrent_slots);
  }
  size_t size() const { return step.size(); }
  void clear() {
    step.clear();
    h.clear();
    L.clear();
    input_traces.clear();
    recurrent_traces.clear();
  }
  // The kernel's view of the pending steps for one synapse set, with that set's draw seed.
  EtuWindow<Ops> input_window(uint64_t seed) const { return window(input_traces, input_slots, seed); }
  EtuWindow<Ops> recurrent_window(uint64_t seed) const { return window(recurrent_traces, recurrent_slots, seed); }

 private:
  EtuWindow<Ops> window(const std::vector<Trace>& traces, size_t slots, uint64_t seed) const {
    EtuWindow<Ops> w;
    w.steps = size();
    w.step = step.data();
    w.h = h.data();
    w.L = L.data();
    w.neuron_stride = neurons;
    w.traces = traces.data();
    w.trace_stride = slots;
    w.seed = seed;
    return w;
  }
};

}  // namespace nchip::learning
