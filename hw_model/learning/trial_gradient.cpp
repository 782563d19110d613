#include "hw_model/learning/trial_gradient.hpp"

#include <blis.h>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <vector>

namespace nchip::learning {
namespace {

// The columns of Z a row reads: [lo, hi] over its positions' trace slots.
struct SlotRange {
  uint32_t lo = 0, hi = 0;
  bool operator==(const SlotRange& o) const { return lo == o.lo && hi == o.hi; }
  bool operator<(const SlotRange& o) const { return lo != o.lo ? lo < o.lo : hi < o.hi; }
};

SlotRange slot_range(const EtuRows& rows, size_t r) {
  SlotRange s{~0u, 0};
  for (uint32_t p = rows.row_start[r]; p < rows.row_start[r + 1]; ++p) {
    s.lo = std::min(s.lo, rows.trace_slot[p]);
    s.hi = std::max(s.hi, rows.trace_slot[p]);
  }
  return s;
}

// c_k of row r's target for k = 0..T-1 (the backward pass in the header), into `out`.
void row_coefficients(const EtuRows& rows, size_t r, const EtuNeuronConstants<arith::FloatOps>& c,
                      const EtuWindow<arith::FloatOps>& w, double* out) {
  const uint32_t j = rows.row_neuron[r];
  const bool adaptive = rows.row_adaptive[r] != 0;
  const double kappa = c.kappa, rho = c.rho[j], beta = c.beta[j];
  double Lf = 0, lambda_next = 0;
  for (size_t k = w.steps; k-- > 0;) {
    const double h = w.h[k * w.neuron_stride + j];
    Lf = w.L[k * w.neuron_stride + j] + kappa * Lf;
    if (adaptive) {
      out[k] = h * (Lf + lambda_next);
      lambda_next = -beta * h * Lf + (rho - beta * h) * lambda_next;
    } else {
      out[k] = h * Lf;
    }
  }
}

}  // namespace

void add_trial_gradient(const EtuRows& rows, const EtuNeuronConstants<arith::FloatOps>& c,
                        const EtuWindow<arith::FloatOps>& w, EtuColumns<arith::FloatOps>& s) {
  const size_t n_rows = rows.rows(), steps = w.steps;
  if (n_rows > 0 && steps > 0) {
    static std::once_flag single_thread;
    std::call_once(single_thread, [] { bli_thread_set_num_threads(1); });
    // Rows that read the same columns (one trace group of a dense projection: all of them) share
    // one product; order the rows by their column range.
    std::vector<SlotRange> range(n_rows);
    for (size_t r = 0; r < n_rows; ++r) range[r] = slot_range(rows, r);
    std::vector<uint32_t> order(n_rows);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return range[a] < range[b]; });
    std::vector<double> C, G;
    for (size_t first = 0; first < n_rows;) {
      size_t last = first + 1;
      while (last < n_rows && range[order[last]] == range[order[first]]) ++last;
      const SlotRange cols = range[order[first]];
      const size_t m = last - first, width = size_t{cols.hi} - cols.lo + 1;
      C.resize(m * steps);
      for (size_t i = 0; i < m; ++i) row_coefficients(rows, order[first + i], c, w, C.data() + i * steps);
      G.resize(m * width);
      // G (m x width) = C (m x steps) * Z[:, lo..hi] (steps x width, row stride trace_stride).
      double one = 1.0, zero = 0.0;
      bli_dgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, static_cast<dim_t>(m), static_cast<dim_t>(width),
                static_cast<dim_t>(steps), &one, C.data(), static_cast<inc_t>(steps), 1,
                const_cast<double*>(w.traces + cols.lo), static_cast<inc_t>(w.trace_stride), 1, &zero, G.data(),
                static_cast<inc_t>(width), 1);
      for (size_t i = 0; i < m; ++i) {
        const size_t r = order[first + i];
        for (uint32_t p = rows.row_start[r]; p < rows.row_start[r + 1]; ++p)
          s.accumulator[p] += G[i * width + (rows.trace_slot[p] - cols.lo)];
      }
      first = last;
    }
  }
  std::fill(s.eps_a.begin(), s.eps_a.end(), 0.0);
  std::fill(s.filtered.begin(), s.filtered.end(), 0.0);
}

}  // namespace nchip::learning
