// TEMPORARY stand-in with the agreed API (the real kernel comes from the kernel branch).
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/arith/eligibility.hpp"

namespace nchip::learning {

struct EtuRows {
  std::vector<uint32_t> row_neuron;
  std::vector<uint8_t> row_adaptive;
  std::vector<uint32_t> row_start{0};
  std::vector<uint32_t> trace_slot;
  std::vector<uint32_t> key_index;
  size_t rows() const { return row_neuron.size(); }
  size_t positions() const { return trace_slot.size(); }
};

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

template <class Ops>
struct EtuNeuronConstants {
  const arith::Num<Ops, arith::Quantity::decay>* rho = nullptr;
  const arith::Num<Ops, arith::Quantity::voltage>* beta = nullptr;
  arith::Num<Ops, arith::Quantity::decay> kappa{};
};

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

inline void etu_run_rows(const arith::FixedOps& ops, const EtuRows& rows, size_t b, size_t e,
                         const EtuNeuronConstants<arith::FixedOps>& c, const EtuWindow<arith::FixedOps>& w,
                         EtuColumns<arith::FixedOps>& s) { etu_run_rows_reference(ops, rows, b, e, c, w, s); }
inline void etu_run_rows(const arith::FloatOps& ops, const EtuRows& rows, size_t b, size_t e,
                         const EtuNeuronConstants<arith::FloatOps>& c, const EtuWindow<arith::FloatOps>& w,
                         EtuColumns<arith::FloatOps>& s) { etu_run_rows_reference(ops, rows, b, e, c, w, s); }

}  // namespace nchip::learning
