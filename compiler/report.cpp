#include "compiler/report.hpp"

#include <fmt/format.h>

namespace nchip::compiler {

namespace {

using model::PopulationRole;

std::string tile_text(const image::ChipConfig& chip, uint32_t tile) {
  return fmt::format("({},{})", tile % chip.mesh_width, tile / chip.mesh_width);
}

std::string bits_text(uint64_t bits) {
  if (bits >= (uint64_t{1} << 20)) return fmt::format("{:.2f} Mbit", bits / 1048576.0);
  if (bits >= 1024) return fmt::format("{:.1f} kbit", bits / 1024.0);
  return fmt::format("{} bit", bits);
}

double percent(double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0.0; }

}  // namespace

CompileReport make_report(const image::ChipImage& im) {
  CompileReport r;
  r.chip = im.chip;
  r.network = im.network.name;
  r.storage = im.storage;
  r.quant = im.quant;
  r.projections = im.projections;
  r.placement = im.placement;
  const IncomingSynapses in = incoming_synapses(im.network);
  r.optimizer_state_bits = im.optimizer_state_bits;
  r.factor_register_bits = im.factor_register_bits;
  UsageCounter counter(in, im.chip, im.quant, im.storage, im.optimizer_state_bits, im.factor_register_bits);
  // A core's slices are counted together, so what the report says a core uses is what the
  // partitioner checked against the limits, packed or not.
  std::vector<std::vector<const image::Slice*>> on_tile(im.chip.tiles());
  for (const auto& s : im.slices) {
    const auto& pop = im.network.populations[s.population];
    if (pop.role == PopulationRole::input) {
      r.host.push_back({"input", pop.name, s.first, s.count, s.tile, s.key});
      continue;
    }
    if (pop.role == PopulationRole::readout)
      r.host.push_back({"readout", pop.name, s.first, s.count, s.tile, 0});
    on_tile[s.tile].push_back(&s);
  }
  for (uint32_t t = 0; t < on_tile.size(); ++t) {
    if (on_tile[t].empty()) continue;
    CoreReport core;
    core.tile = t;
    counter.start_slice();
    for (const image::Slice* s : on_tile[t]) {
      const auto& pop = im.network.populations[s->population];
      core.slices.push_back({pop.name, s->first, s->count});
      const uint32_t u0 = first_unit(im.network, pop) + s->first;
      for (uint32_t i = 0; i < s->count; ++i) counter.add(u0 + i);
    }
    core.usage = counter.usage();
    r.neurons += core.usage.neurons;
    r.synapses += core.usage.synapses;
    r.memory_bits += core.usage.memory_bits;
    r.learning_bits += core.usage.learning_bits;
    r.optimizer_bits += core.usage.optimizer_bits;
    r.delay_buffer_bits += core.usage.delay_buffer_bits;
    r.factor_bits += core.usage.factor_bits;
    r.cores.push_back(std::move(core));
  }
  for (uint32_t t = 0; t < im.routers.size(); ++t) {
    const auto& table = im.routers[t];
    r.entries_before_merge += table.entries_before_merge;
    r.entries += table.entries.size();
    r.max_router_entries = std::max<uint32_t>(r.max_router_entries, static_cast<uint32_t>(table.entries.size()));
    if (table.entries_before_merge > 0)
      r.routers.push_back({t, table.entries_before_merge, static_cast<uint32_t>(table.entries.size())});
  }
  return r;
}

namespace {

// Measured spike-hops of a whole run, per step.
double per_step(uint64_t spike_hops, uint32_t steps) {
  return steps ? static_cast<double>(spike_hops) / steps : 0.0;
}

template <class Line>
void rates_from_run_text(const RatesFromRun& m, const Line& line) {
  const MeasuredPlacement& p = m.placement;
  line(fmt::format("rates from a {}-step functional run (input: {}):", p.steps, m.input));
  for (const auto& r : m.populations)
    line(fmt::format("  {:<12} {:<7} {:>8} neurons {:>10} spikes {:>10.2f} Hz", r.population, r.role, r.neurons,
                     r.spikes, r.rate_hz));
  line(fmt::format("placement at measured rates: {:.3f} spikes x hops per step (the flat-estimate placement: {:.3f}, "
                   "row-major: {:.3f}); {}",
                   per_step(p.spike_hops, p.steps), per_step(p.flat_placement_spike_hops, p.steps),
                   per_step(p.row_major_spike_hops, p.steps),
                   p.measured_placement_used ? "placed by the measured rates"
                                             : "the flat-estimate placement kept (as good at the measured rates)"));
}

nlohmann::ordered_json rates_from_run_json(const RatesFromRun& m) {
  using J = nlohmann::ordered_json;
  const MeasuredPlacement& p = m.placement;
  J populations = J::array();
  for (const auto& r : m.populations)
    populations.push_back({{"population", r.population}, {"role", r.role}, {"neurons", r.neurons},
                           {"spikes", r.spikes}, {"rate_hz", r.rate_hz}});
  return J{{"steps", p.steps}, {"input", m.input}, {"dt_ms", m.dt_ms}, {"populations", populations},
           {"measured_placement_used", p.measured_placement_used},
           {"cost_spikes_hops_per_step", per_step(p.spike_hops, p.steps)},
           {"flat_placement_cost_spikes_hops_per_step", per_step(p.flat_placement_spike_hops, p.steps)},
           {"row_major_cost_spikes_hops_per_step", per_step(p.row_major_spike_hops, p.steps)},
           {"spike_hops", p.spike_hops}, {"flat_placement_spike_hops", p.flat_placement_spike_hops},
           {"row_major_spike_hops", p.row_major_spike_hops}};
}

}  // namespace

std::string report_text(const CompileReport& r, size_t max_rows) {
  const auto& chip = r.chip;
  std::string out;
  const auto line = [&](const std::string& s) { out += s + "\n"; };
  line(fmt::format("network '{}' on chip '{}': {} x {} mesh, {} cores; learning state: {} storage{}",
                   r.network, chip.name, chip.mesh_width, chip.mesh_height, chip.tiles(),
                   image::to_string(r.storage),
                   r.optimizer_state_bits ? fmt::format(", optimizer state {} bits per plastic synapse",
                                                        r.optimizer_state_bits)
                   : r.factor_register_bits
                       ? fmt::format(", optimizer state {}-bit row and column registers per projection (Adafactor)",
                                     r.factor_register_bits)
                       : std::string()));
  if (r.optimizer_state_bits || r.factor_register_bits) {
    uint64_t fullest = 0;
    for (const auto& c : r.cores) fullest = std::max(fullest, c.usage.optimizer_bits);
    line(fmt::format("optimizer state: {} in all, {} on the fullest core{}", bits_text(r.optimizer_bits),
                     bits_text(fullest),
                     r.factor_register_bits ? fmt::format(" ({} row and column registers in all)",
                                                          r.factor_bits / r.factor_register_bits)
                                            : std::string()));
  }
  size_t slices = 0;
  for (const auto& c : r.cores) slices += c.slices.size();
  line(fmt::format("cores: {} of {} used{}; fan-in counts {} (fan_in_model {}, at most {} per core)", r.cores.size(),
                   chip.tiles(),
                   slices > r.cores.size() ? fmt::format(", {} slices packed onto them", slices) : std::string(),
                   chip.fan_in_model == image::FanInModel::axons ? "input axons, (presynaptic neuron, projection) pairs"
                                                                 : "presynaptic neurons",
                   image::to_string(chip.fan_in_model), chip.core_max_fan_in));
  line(fmt::format("  {:<7} {:<12} {:>15} {:>10} {:>27} {:>7} {:>7}", "tile", "population", "neurons",
                   "synapses", "memory used / available", "fan-in", "traces"));
  for (size_t i = 0; i < r.cores.size() && i < max_rows; ++i) {
    const auto& c = r.cores[i];
    const auto& s0 = c.slices.front();
    line(fmt::format("  {:<7} {:<12} {:>15} {:>10} {:>27} {:>7} {:>7}", tile_text(chip, c.tile),
                     c.slices.size() == 1 ? s0.population : fmt::format("{} slices:", c.slices.size()),
                     c.slices.size() == 1 ? fmt::format("{}-{} ({})", s0.first, s0.first + s0.count - 1, s0.count)
                                          : fmt::format("({})", c.usage.neurons),
                     c.usage.synapses,
                     fmt::format("{} / {} ({:.0f}%)", bits_text(c.usage.memory_bits),
                                 bits_text(chip.core_synapse_memory_bits),
                                 percent(c.usage.memory_bits, chip.core_synapse_memory_bits)),
                     c.usage.fan_in, c.usage.trace_slots));
    if (c.slices.size() > 1)  // packed: every slice on its own line under the core's totals
      for (const auto& sl : c.slices)
        line(fmt::format("  {:<7} {:<12} {:>15}", "", sl.population,
                         fmt::format("{}-{} ({})", sl.first, sl.first + sl.count - 1, sl.count)));
  }
  if (r.cores.size() > max_rows) line(fmt::format("  ... {} more cores (see --report)", r.cores.size() - max_rows));
  // Synaptic delays (issue #14); absent for networks whose synapses all have the 1-step delay.
  if (r.delay_buffer_bits) {
    line(fmt::format("delay buffers: {} in all ({}-bit slots, longest delay - 1 per neuron)",
                     bits_text(r.delay_buffer_bits), image::kDelaySlotBits));
    for (size_t i = 0; i < r.cores.size() && i < max_rows; ++i)
      if (const auto& u = r.cores[i].usage; u.delay_buffer_bits)
        line(fmt::format("  core {:<7} {:<12} delay ring {} steps, {} words ({})", tile_text(chip, r.cores[i].tile),
                         r.cores[i].slices.front().population, u.delay_steps, u.delay_buffer_bits / image::kDelaySlotBits,
                         bits_text(u.delay_buffer_bits)));
  }
  line(fmt::format("routers: {} with entries; {} entries before merging, {} after; fullest {} of {}",
                   r.routers.size(), r.entries_before_merge, r.entries, r.max_router_entries,
                   chip.router_table_entries));
  for (size_t i = 0; i < r.routers.size() && i < max_rows; ++i) {
    const auto& t = r.routers[i];
    line(fmt::format("  router {:<7} {:>5} entries ({} before merging) of {}", tile_text(chip, t.tile),
                     t.entries, t.entries_before_merge, chip.router_table_entries));
  }
  if (r.routers.size() > max_rows)
    line(fmt::format("  ... {} more routers (see --report)", r.routers.size() - max_rows));
  line(fmt::format("quantization: weights {}, per-projection exponents {}",
                   r.quant[arith::Quantity::weight].describe(), r.quant.weight_exponents ? "on" : "off"));
  line(fmt::format("  {:<20} {:>8} {:>9} {:>10} {:>11} {:>11} {:>8}", "projection", "exponent", "synapses",
                   "max |w|", "max error", "rms error", "SNR dB"));
  for (const auto& p : r.projections)
    line(fmt::format("  {:<20} {:>8} {:>9} {:>10.4g} {:>11.3e} {:>11.3e} {:>8.1f}", p.name, p.exponent,
                     p.synapses, p.max_abs_weight, p.max_abs_error, p.rms_error, p.snr_db));
  const double saving = percent(r.placement.naive_cost - r.placement.cost, r.placement.naive_cost);
  line(fmt::format("placement: {:.3f} spikes x hops per step (row-major: {:.3f}, {:.1f}% lower) at {} Hz "
                   "per neuron",
                   r.placement.cost, r.placement.naive_cost, saving, r.placement.default_rate_hz));
  if (r.rates_from_run) rates_from_run_text(*r.rates_from_run, line);
  for (const auto& h : r.host) {
    if (h.direction == "input")
      line(fmt::format("host: input '{}' {}-{} sent with keys {:#010x}+ at router {}", h.population, h.first,
                       h.first + h.count - 1, h.key, tile_text(chip, h.tile)));
    else
      line(fmt::format("host: readout '{}' {}-{} read from core {}", h.population, h.first,
                       h.first + h.count - 1, tile_text(chip, h.tile)));
  }
  const uint64_t available = uint64_t{chip.tiles()} * chip.core_synapse_memory_bits;
  line(fmt::format("totals: {} neurons, {} synapses on {} cores; synapse memory {} of {} ({:.1f}%), "
                   "{} of it learning state; {} routing entries",
                   r.neurons, r.synapses, r.cores.size(), bits_text(r.memory_bits), bits_text(available),
                   percent(r.memory_bits, available), bits_text(r.learning_bits), r.entries));
  return out;
}

nlohmann::ordered_json report_json(const CompileReport& r) {
  using J = nlohmann::ordered_json;
  const auto& chip = r.chip;
  J out;
  out["network"] = r.network;
  out["chip"] = {{"name", chip.name}, {"mesh_width", chip.mesh_width}, {"mesh_height", chip.mesh_height},
                 {"cores", chip.tiles()}, {"core_max_neurons", chip.core_max_neurons},
                 {"core_synapse_memory_bits", chip.core_synapse_memory_bits},
                 {"router_table_entries", chip.router_table_entries}, {"core_max_fan_in", chip.core_max_fan_in},
                 {"fan_in_model", image::to_string(chip.fan_in_model)}};
  out["storage"] = image::to_string(r.storage);
  out["optimizer_state_bits_per_plastic_synapse"] = r.optimizer_state_bits;
  out["optimizer_state_bits"] = r.optimizer_bits;
  out["optimizer_factor_register_bits"] = r.factor_register_bits;
  out["optimizer_factor_bits"] = r.factor_bits;
  J cores = J::array();
  for (const auto& c : r.cores) {
    J slices = J::array();
    for (const auto& s : c.slices)
      slices.push_back({{"population", s.population}, {"first", s.first}, {"neurons", s.count}});
    // "population" and "first" are the first slice's (what they were when a core held one).
    cores.push_back({{"tile", c.tile}, {"x", c.tile % chip.mesh_width}, {"y", c.tile / chip.mesh_width},
                     {"population", c.slices.front().population}, {"first", c.slices.front().first},
                     {"slices", slices}, {"neurons", c.usage.neurons},
                     {"synapses", c.usage.synapses}, {"memory_bits", c.usage.memory_bits},
                     {"memory_available_bits", chip.core_synapse_memory_bits},
                     {"learning_bits", c.usage.learning_bits}, {"optimizer_bits", c.usage.optimizer_bits},
                     {"optimizer_factor_bits", c.usage.factor_bits},
                     {"fan_in", c.usage.fan_in},
                     {"trace_slots", c.usage.trace_slots}, {"groups", c.usage.groups}});
  }
  if (r.delay_buffer_bits) {  // issue #14: only networks with delays > 1 have these keys
    for (size_t i = 0; i < r.cores.size(); ++i) {
      cores[i]["delay_steps"] = r.cores[i].usage.delay_steps;
      cores[i]["delay_buffer_bits"] = r.cores[i].usage.delay_buffer_bits;
    }
  }
  out["cores"] = cores;
  J routers = J::array();
  for (const auto& t : r.routers)
    routers.push_back({{"tile", t.tile}, {"x", t.tile % chip.mesh_width}, {"y", t.tile / chip.mesh_width},
                       {"entries_before_merge", t.entries_before_merge}, {"entries", t.entries},
                       {"capacity", chip.router_table_entries}});
  out["routers"] = routers;
  J projections = J::array();
  for (const auto& p : r.projections)
    projections.push_back({{"name", p.name}, {"exponent", p.exponent}, {"synapses", p.synapses},
                           {"max_abs_weight", p.max_abs_weight}, {"max_abs_error", p.max_abs_error},
                           {"rms_error", p.rms_error}, {"snr_db", p.snr_db}});
  out["quantization"] = {{"weight_format", r.quant[arith::Quantity::weight].describe()},
                         {"weight_exponents", r.quant.weight_exponents},
                         {"projections", projections}};
  out["placement"] = {{"default_rate_hz", r.placement.default_rate_hz},
                      {"cost_spikes_hops_per_step", r.placement.cost},
                      {"row_major_cost_spikes_hops_per_step", r.placement.naive_cost}};
  if (r.rates_from_run) out["rates_from_run"] = rates_from_run_json(*r.rates_from_run);
  J host = J::array();
  for (const auto& h : r.host)
    host.push_back({{"direction", h.direction}, {"population", h.population}, {"first", h.first},
                    {"count", h.count}, {"tile", h.tile}, {"key", h.key}});
  out["host"] = host;
  out["totals"] = {{"neurons", r.neurons}, {"synapses", r.synapses}, {"cores_used", r.cores.size()},
                   {"memory_bits", r.memory_bits},
                   {"memory_available_bits", uint64_t{chip.tiles()} * chip.core_synapse_memory_bits},
                   {"learning_bits", r.learning_bits}, {"routing_entries_before_merge", r.entries_before_merge},
                   {"routing_entries", r.entries}, {"max_router_entries", r.max_router_entries}};
  if (r.delay_buffer_bits) out["totals"]["delay_buffer_bits"] = r.delay_buffer_bits;
  return out;
}

}  // namespace nchip::compiler
