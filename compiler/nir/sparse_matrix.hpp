// Row-sparse matrices for composing NIR's linear nodes (Affine, Linear, Scale, unrolled
// convolutions and pooling) into projections: memory proportional to the non-zeros, so an
// unrolled convolution layer costs its synapses, not rows x cols. Sums run over the inner index
// in ascending order, the order a dense product would use, so results do not depend on sparsity.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace nchip::nir {

struct SparseMatrix {
  uint32_t rows = 0, cols = 0;
  std::vector<std::vector<std::pair<uint32_t, double>>> entries;  // per row, by column, no zeros
  bool is_identity = false;  // rows == cols, entries empty: a population feeding itself through nothing

  static SparseMatrix identity(uint32_t n);
  static SparseMatrix from_dense(uint32_t rows, uint32_t cols, const std::vector<double>& row_major);
  uint64_t nonzeros() const;
  void materialize();  // an identity becomes explicit entries
};

// w * m (w.cols == m.rows); throws std::length_error past `max_nonzeros` entries.
SparseMatrix multiply(const SparseMatrix& w, const SparseMatrix& m, uint64_t max_nonzeros);
std::vector<double> multiply(const SparseMatrix& w, const std::vector<double>& x);
void add_into(SparseMatrix& sum, SparseMatrix term);  // same shape
void scale_rows(SparseMatrix& m, const std::vector<double>& factor);  // row r times factor[r]

}  // namespace nchip::nir
