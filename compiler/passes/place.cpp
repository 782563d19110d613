#include "compiler/passes/place.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace nchip::compiler {

namespace {

using model::PopulationRole;

// The movable problem: core slices with integer link weights (sending-neuron counts or measured
// spikes, TrafficWeight), so every cost comparison is exact and the search is deterministic on any
// machine.
struct Problem {
  std::vector<std::vector<std::pair<uint32_t, int64_t>>> adj;  // symmetric, by core slice
  std::vector<int64_t> anchor;  // neurons linking the host to this slice (input traffic)
  uint32_t host = 0;
};

class Layout {
 public:
  Layout(const Problem& p, const image::ChipConfig& chip) : p_(p), chip_(chip) {}
  int64_t h(uint32_t a, uint32_t b) const { return hops(chip_, a, b); }

  int64_t total(const std::vector<uint32_t>& pos) const {
    int64_t sum = 0;
    for (uint32_t a = 0; a < p_.adj.size(); ++a) {
      sum += 2 * p_.anchor[a] * h(pos[a], p_.host);  // doubled like the symmetric pairs below
      for (const auto& [b, w] : p_.adj[a]) sum += w * h(pos[a], pos[b]);
    }
    return sum / 2;
  }

  // Change of total cost if slice a moved to tile t, swapping with its occupant (or none).
  int64_t delta(const std::vector<uint32_t>& pos, const std::vector<int32_t>& occ, uint32_t a,
                uint32_t t, uint64_t& visits) const {
    const uint32_t ta = pos[a];
    const int32_t b = occ[t];
    int64_t d = p_.anchor[a] * (h(t, p_.host) - h(ta, p_.host));
    for (const auto& [c, w] : p_.adj[a])
      if (static_cast<int32_t>(c) != b) d += w * (h(t, pos[c]) - h(ta, pos[c]));
    visits += p_.adj[a].size();
    if (b >= 0) {
      d += p_.anchor[b] * (h(ta, p_.host) - h(t, p_.host));
      for (const auto& [c, w] : p_.adj[b])
        if (c != a) d += w * (h(ta, pos[c]) - h(t, pos[c]));
      visits += p_.adj[b].size();
    }
    return d;
  }

 private:
  const Problem& p_;
  const image::ChipConfig& chip_;
};

uint32_t weighted_median(std::vector<std::pair<uint32_t, int64_t>>& v) {
  std::sort(v.begin(), v.end());
  int64_t total = 0;
  for (const auto& e : v) total += e.second;
  int64_t run = 0;
  for (const auto& e : v) {
    run += e.second;
    if (2 * run >= total) return e.first;
  }
  return v.empty() ? 0 : v.back().first;
}

// Candidate tiles for slice a: near where its partners pull it (weighted median, optimal for
// Manhattan distance when unconstrained) and near where it is.
std::vector<uint32_t> candidates(const Problem& p, const std::vector<uint32_t>& pos, uint32_t a,
                                 const image::ChipConfig& chip) {
  const uint32_t tiles = chip.tiles();
  std::vector<uint32_t> out;
  if (tiles <= 256) {
    for (uint32_t t = 0; t < tiles; ++t) out.push_back(t);
    return out;
  }
  std::vector<std::pair<uint32_t, int64_t>> xs, ys;
  if (p.anchor[a] > 0) {
    xs.emplace_back(p.host % chip.mesh_width, p.anchor[a]);
    ys.emplace_back(p.host / chip.mesh_width, p.anchor[a]);
  }
  for (const auto& [b, w] : p.adj[a]) {
    xs.emplace_back(pos[b] % chip.mesh_width, w);
    ys.emplace_back(pos[b] / chip.mesh_width, w);
  }
  const auto around = [&](int64_t cx, int64_t cy, int64_t r) {
    for (int64_t y = cy - r; y <= cy + r; ++y)
      for (int64_t x = cx - r; x <= cx + r; ++x)
        if (x >= 0 && y >= 0 && x < chip.mesh_width && y < chip.mesh_height &&
            std::llabs(x - cx) + std::llabs(y - cy) <= r)
          out.push_back(static_cast<uint32_t>(y * chip.mesh_width + x));
  };
  if (!xs.empty()) around(weighted_median(xs), weighted_median(ys), 2);
  around(pos[a] % chip.mesh_width, pos[a] / chip.mesh_width, 1);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void improve(const Problem& p, const image::ChipConfig& chip, std::vector<uint32_t>& pos,
             uint64_t budget) {
  const Layout layout(p, chip);
  std::vector<int32_t> occ(chip.tiles(), -1);
  for (uint32_t a = 0; a < pos.size(); ++a) occ[pos[a]] = static_cast<int32_t>(a);
  uint64_t visits = 0;
  for (int pass = 0; pass < 50; ++pass) {
    bool improved = false;
    for (uint32_t a = 0; a < pos.size() && visits < budget; ++a) {
      int64_t best = 0;
      uint32_t best_t = pos[a];
      for (uint32_t t : candidates(p, pos, a, chip)) {
        if (t == pos[a]) continue;
        const int64_t d = layout.delta(pos, occ, a, t, visits);
        if (d < best) {
          best = d;
          best_t = t;
        }
      }
      if (best_t == pos[a]) continue;
      const uint32_t from = pos[a];
      const int32_t b = occ[best_t];
      occ[best_t] = static_cast<int32_t>(a);
      occ[from] = b;
      pos[a] = best_t;
      if (b >= 0) pos[b] = from;
      improved = true;
    }
    if (!improved || visits >= budget) break;
  }
}

// Greedy constructive start: the slice most connected to what is placed goes next, onto the free
// tile nearest its placed partners (ties: lowest index).
std::vector<uint32_t> constructive(const Problem& p, const image::ChipConfig& chip) {
  const Layout layout(p, chip);
  const uint32_t n = static_cast<uint32_t>(p.adj.size());
  std::vector<uint32_t> pos(n, 0);
  std::vector<uint8_t> placed(n, 0), used(chip.tiles(), 0);
  std::vector<int64_t> pull(p.anchor);
  for (uint32_t step = 0; step < n; ++step) {
    uint32_t a = 0;
    int64_t best_pull = -1;
    for (uint32_t c = 0; c < n; ++c)
      if (!placed[c] && pull[c] > best_pull) {
        best_pull = pull[c];
        a = c;
      }
    int64_t best_cost = INT64_MAX;
    uint32_t best_t = 0;
    for (uint32_t t = 0; t < chip.tiles(); ++t) {
      if (used[t]) continue;
      int64_t cost = p.anchor[a] * layout.h(t, p.host);
      for (const auto& [b, w] : p.adj[a])
        if (placed[b]) cost += w * layout.h(t, pos[b]);
      if (cost < best_cost) {
        best_cost = cost;
        best_t = t;
      }
    }
    pos[a] = best_t;
    placed[a] = 1;
    used[best_t] = 1;
    for (const auto& [b, w] : p.adj[a]) pull[b] += w;
  }
  return pos;
}

// Link k of slice s: its sending neurons or their measured spikes.
uint64_t link_weight(const SliceTraffic& traffic, uint32_t s, size_t k, TrafficWeight weight) {
  if (weight == TrafficWeight::sending_neurons) return traffic.out[s][k].second;
  if (traffic.spikes.size() != traffic.out.size())
    throw std::logic_error("placement: measured spikes asked for, but the traffic has none");
  return traffic.spikes[s][k];
}

}  // namespace

uint32_t hops(const image::ChipConfig& chip, uint32_t a, uint32_t b) {
  const int64_t dx = int64_t{a % chip.mesh_width} - int64_t{b % chip.mesh_width};
  const int64_t dy = int64_t{a / chip.mesh_width} - int64_t{b / chip.mesh_width};
  return static_cast<uint32_t>(std::llabs(dx) + std::llabs(dy));
}

uint64_t weighted_hops(const std::vector<image::Slice>& slices, const SliceTraffic& traffic,
                       const std::vector<uint32_t>& tile, const image::ChipConfig& chip, TrafficWeight weight) {
  uint64_t sum = 0;
  for (uint32_t s = 0; s < slices.size(); ++s)
    for (size_t k = 0; k < traffic.out[s].size(); ++k)
      sum += link_weight(traffic, s, k, weight) * hops(chip, tile[s], tile[traffic.out[s][k].first]);
  return sum;
}

double placement_cost(const std::vector<image::Slice>& slices, const SliceTraffic& traffic,
                      const std::vector<uint32_t>& tile, const image::ChipConfig& chip,
                      double spikes_per_step_per_neuron) {
  return static_cast<double>(weighted_hops(slices, traffic, tile, chip, TrafficWeight::sending_neurons)) *
         spikes_per_step_per_neuron;
}

Placement place(const model::NetworkModel<arith::FixedOps>& net, const std::vector<image::Slice>& slices,
                const std::vector<uint32_t>& core, const SliceTraffic& traffic, const image::ChipConfig& chip,
                const PlacementOptions& options) {
  // Cores (one slice each, or several packed ones) become the movable items 0..n-1, in core order.
  std::vector<int32_t> item(slices.size(), -1);
  uint32_t n = 0;
  for (uint32_t s = 0; s < slices.size(); ++s)
    if (net.populations[slices[s].population].role != PopulationRole::input) {
      item[s] = static_cast<int32_t>(core[s]);
      n = std::max(n, core[s] + 1);
    }
  Problem p;
  p.host = options.host_tile;
  p.adj.resize(n);
  p.anchor.assign(n, 0);
  {
    std::vector<std::map<uint32_t, int64_t>> merged(n);
    for (uint32_t s = 0; s < slices.size(); ++s)
      for (size_t k = 0; k < traffic.out[s].size(); ++k) {
        const uint32_t d = traffic.out[s][k].first;
        const auto w = static_cast<int64_t>(link_weight(traffic, s, k, options.weight));
        if (item[d] < 0) continue;
        if (item[s] < 0) {
          p.anchor[item[d]] += w;
        } else if (item[s] != item[d]) {
          merged[item[s]][item[d]] += w;
          merged[item[d]][item[s]] += w;
        }
      }
    for (uint32_t a = 0; a < n; ++a) p.adj[a].assign(merged[a].begin(), merged[a].end());
  }

  const Layout layout(p, chip);
  std::vector<uint32_t> naive(n);
  for (uint32_t a = 0; a < n; ++a) naive[a] = a;
  std::vector<uint32_t> best = naive;
  improve(p, chip, best, options.search_budget / 2);
  uint64_t edges = 0;
  for (const auto& a : p.adj) edges += a.size();
  if (uint64_t{n} * chip.tiles() + edges * chip.tiles() <= 50'000'000) {
    std::vector<uint32_t> greedy = constructive(p, chip);
    improve(p, chip, greedy, options.search_budget / 2);
    if (layout.total(greedy) < layout.total(best)) best = greedy;
  }
  if (layout.total(naive) <= layout.total(best)) best = naive;

  Placement out;
  const double per_neuron = options.default_rate_hz * options.dt_ms * 1e-3;
  out.row_major_tile.assign(slices.size(), options.host_tile);
  out.tile.assign(slices.size(), options.host_tile);
  for (uint32_t s = 0; s < slices.size(); ++s)
    if (item[s] >= 0) {
      out.tile[s] = best[static_cast<uint32_t>(item[s])];
      out.row_major_tile[s] = naive[static_cast<uint32_t>(item[s])];
    }
  out.cost = placement_cost(slices, traffic, out.tile, chip, per_neuron);
  out.naive_cost = placement_cost(slices, traffic, out.row_major_tile, chip, per_neuron);
  return out;
}

}  // namespace nchip::compiler
