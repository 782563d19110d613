// The eligibility-trace unit over many synapses and a window of steps (Bellec et al. 2019,
// Methods, eq. 23, 27, 28, 45): the hot loop of on-chip e-prop training.
//
// Synapses are grouped in rows by target neuron j (every neuron-side value - h_j, L_j, rho_j,
// beta_j, kappa - is the same across a row) and their state is held in columns (structure of
// arrays). A window holds up to a few dozen steps' neuron values and presynaptic traces, so each
// synapse's state is loaded once, carried through every step of the window in registers, and
// stored once.
//
// Two implementations:
//  - etu_run_rows_reference: the plain definition, one arith::etu_update per synapse and step;
//  - etu_run_rows: vectorized over the synapses of a row (Google Highway's operations compiled for
//    AVX-512, AVX2, SSE4 and a portable baseline; the best one the CPU runs is picked at run
//    time), bit-identical to the
//    reference, including every saturation count (tests/learning/test_etu_kernel.cpp).
// Stochastic rounding stays keyed by (seed, stream, synapse, step), so no result depends on the
// lane a synapse lands in or on the thread that runs its row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/arith/eligibility.hpp"

namespace nchip::learning {

// Which synapses the kernel visits, row by row. Positions index the state columns.
struct EtuRows {
  std::vector<uint32_t> row_neuron;    // target neuron j of each row
  std::vector<uint8_t> row_adaptive;   // 1: ALIF target (eq. 27-28), 0: LIF (eq. 23)
  std::vector<uint32_t> row_start{0};  // row r covers positions [row_start[r], row_start[r + 1])
  std::vector<uint32_t> trace_slot;    // per position: index of its presynaptic trace in a step
  std::vector<uint32_t> key_index;     // per position: the synapse index of its draw keys
  size_t rows() const { return row_neuron.size(); }
  size_t positions() const { return trace_slot.size(); }
};

// The full scheme's per-synapse state, one column per field.
template <class Ops>
struct EtuColumns {
  std::vector<arith::Num<Ops, arith::Quantity::eligibility>> eps_a, filtered;
  std::vector<arith::Num<Ops, arith::Quantity::update_accumulator>> accumulator;
  void resize(size_t n) {
    eps_a.assign(n, {});
    filtered.assign(n, {});
    accumulator.assign(n, {});
  }
};

// Per-neuron constants (indexed by neuron) and the readout decay.
template <class Ops>
struct EtuNeuronConstants {
  const arith::Num<Ops, arith::Quantity::decay>* rho = nullptr;
  const arith::Num<Ops, arith::Quantity::voltage>* beta = nullptr;
  arith::Num<Ops, arith::Quantity::decay> kappa{};
};

// A window of `steps` steps: step k's h_j and L_j at [k * neuron_stride + j], its presynaptic
// traces at [k * trace_stride + slot], its draw-key step at step[k].
template <class Ops>
struct EtuWindow {
  size_t steps = 0;
  const uint64_t* step = nullptr;
  const arith::Num<Ops, arith::Quantity::pseudo_derivative>* h = nullptr;
  const arith::Num<Ops, arith::Quantity::learning_signal>* L = nullptr;
  size_t neuron_stride = 0;
  const arith::Num<Ops, arith::Quantity::trace>* traces = nullptr;
  size_t trace_stride = 0;
  uint64_t seed = 0;
};

// The plain definition: rows [row_begin, row_end), each synapse through the window's steps in
// order with key {seed, 0, key_index, step[k]}.
template <class Ops>
void etu_run_rows_reference(const Ops& ops, const EtuRows& rows, size_t row_begin, size_t row_end,
                            const EtuNeuronConstants<Ops>& c, const EtuWindow<Ops>& w, EtuColumns<Ops>& s) {
  for (size_t r = row_begin; r < row_end; ++r) {
    const uint32_t n = rows.row_neuron[r];
    for (uint32_t p = rows.row_start[r]; p < rows.row_start[r + 1]; ++p) {
      arith::EtuSynapseState<Ops> st{s.eps_a[p], s.filtered[p], s.accumulator[p]};
      for (size_t k = 0; k < w.steps; ++k) {
        const arith::EtuNeuronInput<Ops> in{w.h[k * w.neuron_stride + n], c.rho[n], c.beta[n], c.kappa,
                                            w.L[k * w.neuron_stride + n], rows.row_adaptive[r] != 0};
        arith::etu_update(ops, in, w.traces[k * w.trace_stride + rows.trace_slot[p]], st,
                          arith::DrawKey{w.seed, 0, rows.key_index[p], w.step[k]});
      }
      s.eps_a[p] = st.eps_a;
      s.filtered[p] = st.filtered;
      s.accumulator[p] = st.accumulator;
    }
  }
}

// The vectorized kernel: same state, same saturation counts (added to ops.sat) as the reference.
// Every fixed-point config whose operations shift by at most 62 bits either way takes the vector
// path (left shifts too: a trace or product with fewer fraction bits than its result); the rest
// (fraction bits more than 62 apart) runs the reference.
void etu_run_rows(const arith::FixedOps& ops, const EtuRows& rows, size_t row_begin, size_t row_end,
                  const EtuNeuronConstants<arith::FixedOps>& c, const EtuWindow<arith::FixedOps>& w,
                  EtuColumns<arith::FixedOps>& s);
void etu_run_rows(const arith::FloatOps& ops, const EtuRows& rows, size_t row_begin, size_t row_end,
                  const EtuNeuronConstants<arith::FloatOps>& c, const EtuWindow<arith::FloatOps>& w,
                  EtuColumns<arith::FloatOps>& s);

// True when etu_run_rows takes the vector path for this config (tests cover both sides).
bool etu_kernel_vectorizes(const arith::FixedOps& ops);

// The instruction sets the kernel was compiled for that this CPU runs, best first ("AVX3" is
// AVX-512; then "AVX2", "SSE4", and the portable "SCALAR" or "EMU128").
std::vector<std::string> etu_kernel_targets();
// The one the kernel runs now (by default the best).
const char* etu_kernel_target();
// Pins the kernel to one of etu_kernel_targets() ("": the best again), for tests and benchmarks;
// not while a kernel runs. Throws nchip::InputError for a name not in the list.
void etu_kernel_use_target(const std::string& name);

}  // namespace nchip::learning
