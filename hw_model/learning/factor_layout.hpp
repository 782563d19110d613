// Where each plastic synapse's row and column statistics live for Adafactor's factored second
// moment (hw_model/arith/adafactor_update.hpp): per projection, one row word per target and one
// column word per source of its synapse matrix. A matrix (input, recurrent or readout) may hold
// several projections; each gets a slot in order of first appearance, so its rows are
// [slot x n_targets, (slot + 1) x n_targets) and its columns [slot x n_sources, ...). Shared by the
// chip's batch update unit (batch_update.hpp) and the float reference's Adafactor (runtime), so
// both factor the same way.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

struct FactorLayout {
  static constexpr uint32_t kNone = UINT32_MAX;  // a non-plastic synapse
  std::vector<uint32_t> row, column, slot;       // per synapse, in matrix order
  uint32_t slots = 0, n_targets = 0, n_sources = 0;
  uint32_t rows() const { return slots * n_targets; }
  uint32_t columns() const { return slots * n_sources; }
};

template <class Ops>
FactorLayout factor_layout(const model::SynapseMatrix<Ops>& m) {
  FactorLayout f;
  f.n_targets = m.n_targets;
  f.n_sources = m.n_sources;
  f.row.assign(m.size(), FactorLayout::kNone);
  f.column.assign(m.size(), FactorLayout::kNone);
  f.slot.assign(m.size(), FactorLayout::kNone);
  std::vector<uint32_t> slot_of_projection;
  for (uint32_t source = 0; source < m.n_sources; ++source)
    for (uint32_t s = m.row_start[source]; s < m.row_start[source + 1]; ++s) {
      if (!m.plastic[s]) continue;
      const uint32_t p = m.origin[s].projection;
      if (p >= slot_of_projection.size()) slot_of_projection.resize(p + 1, FactorLayout::kNone);
      if (slot_of_projection[p] == FactorLayout::kNone) slot_of_projection[p] = f.slots++;
      const uint32_t slot = slot_of_projection[p];
      f.slot[s] = slot;
      f.row[s] = slot * m.n_targets + m.target[s];
      f.column[s] = slot * m.n_sources + source;
    }
  return f;
}

}  // namespace nchip::learning
