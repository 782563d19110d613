#include "compiler/nir/sparse_matrix.hpp"

#include <algorithm>
#include <stdexcept>

namespace nchip::nir {

SparseMatrix SparseMatrix::identity(uint32_t n) {
  SparseMatrix m;
  m.rows = m.cols = n;
  m.is_identity = true;
  return m;
}

SparseMatrix SparseMatrix::from_dense(uint32_t rows, uint32_t cols, const std::vector<double>& row_major) {
  SparseMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.entries.resize(rows);
  for (uint32_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < cols; ++c) {
      const double v = row_major[size_t{r} * cols + c];
      if (v != 0.0) m.entries[r].push_back({c, v});
    }
  return m;
}

uint64_t SparseMatrix::nonzeros() const {
  if (is_identity) return rows;
  uint64_t n = 0;
  for (const auto& row : entries) n += row.size();
  return n;
}

void SparseMatrix::materialize() {
  if (!is_identity) return;
  entries.assign(rows, {});
  for (uint32_t i = 0; i < rows; ++i) entries[i].push_back({i, 1.0});
  is_identity = false;
}

SparseMatrix multiply(const SparseMatrix& w, const SparseMatrix& m, uint64_t max_nonzeros) {
  if (m.is_identity) return w;
  SparseMatrix out;
  out.rows = w.rows;
  out.cols = m.cols;
  if (w.is_identity) {
    out = m;
    return out;
  }
  out.entries.resize(w.rows);
  std::vector<double> acc(m.cols, 0.0);
  std::vector<uint8_t> touched(m.cols, 0);
  std::vector<uint32_t> cols;
  uint64_t total = 0;
  for (uint32_t r = 0; r < w.rows; ++r) {
    cols.clear();
    for (const auto& [k, a] : w.entries[r])
      for (const auto& [c, b] : m.entries[k]) {
        if (!touched[c]) {
          touched[c] = 1;
          cols.push_back(c);
        }
        acc[c] += a * b;
      }
    std::sort(cols.begin(), cols.end());
    for (uint32_t c : cols) {
      if (acc[c] != 0.0) out.entries[r].push_back({c, acc[c]});
      acc[c] = 0.0;
      touched[c] = 0;
    }
    total += out.entries[r].size();
    if (total > max_nonzeros) throw std::length_error("too many non-zero weights");
  }
  return out;
}

std::vector<double> multiply(const SparseMatrix& w, const std::vector<double>& x) {
  if (w.is_identity) return x;
  std::vector<double> y(w.rows, 0.0);
  for (uint32_t r = 0; r < w.rows; ++r)
    for (const auto& [c, a] : w.entries[r]) y[r] += a * x[c];
  return y;
}

void add_into(SparseMatrix& sum, SparseMatrix term) {
  sum.materialize();
  term.materialize();
  for (uint32_t r = 0; r < sum.rows; ++r) {
    auto& a = sum.entries[r];
    std::vector<std::pair<uint32_t, double>> merged;
    merged.reserve(a.size() + term.entries[r].size());
    size_t i = 0, j = 0;
    const auto& b = term.entries[r];
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
        merged.push_back(a[i++]);
      } else if (i == a.size() || b[j].first < a[i].first) {
        merged.push_back(b[j++]);
      } else {
        const double v = a[i].second + b[j].second;
        if (v != 0.0) merged.push_back({a[i].first, v});
        ++i;
        ++j;
      }
    }
    a = std::move(merged);
  }
}

void scale_rows(SparseMatrix& m, const std::vector<double>& factor) {
  m.materialize();
  for (uint32_t r = 0; r < m.rows; ++r) {
    auto& row = m.entries[r];
    for (auto& e : row) e.second *= factor[r];
    row.erase(std::remove_if(row.begin(), row.end(), [](const auto& e) { return e.second == 0.0; }), row.end());
  }
}

}  // namespace nchip::nir
