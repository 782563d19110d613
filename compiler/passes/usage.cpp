#include "compiler/passes/usage.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "compiler/huge_pages.hpp"
#include "hw_model/error.hpp"
#include "compiler/parallel_chunks.hpp"

namespace nchip::compiler {

namespace {

using model::PopulationRole;

constexpr uint32_t kPrefetchAhead = 16;
// Fewer synapses than this per chunk are not worth a thread.
constexpr size_t kMinSynapsesPerChunk = size_t{1} << 16;


}  // namespace

uint32_t first_unit(const model::NetworkModel<arith::FixedOps>& network, const model::PopulationSpan& span) {
  return span.role == PopulationRole::readout ? network.n_neurons() + span.first : span.first;
}

IncomingSynapses incoming_synapses(const model::NetworkModel<arith::FixedOps>& net, unsigned threads) {
  IncomingSynapses in;
  const uint32_t n = net.n_neurons();
  const uint32_t units = n + net.n_readouts();
  in.n_sources = net.n_inputs + n;
  if (in.n_sources >= (1u << 31))  // Entry::source has 31 bits
    throw InputError("network has " + std::to_string(in.n_sources) + " input and spiking neurons; the compiler maps at most 2^31 - 1");
  in.adaptive.assign(units, 0);
  in.current_based.assign(units, 0);
  for (uint32_t j = 0; j < n; ++j) {
    in.adaptive[j] = net.neurons[j].adaptive ? 1 : 0;
    in.current_based[j] = net.neurons[j].current_based ? 1 : 0;
  }
  // A CubaLI readout (issue #14) keeps its current, and its plastic sources a zsyn, as a CUBA neuron.
  for (uint32_t k = 0; k < net.n_readouts(); ++k) in.current_based[n + k] = net.readouts[k].current_based ? 1 : 0;
  // Where each population sits among the sources (inputs, then spiking) and the units (spiking,
  // then readouts); UINT32_MAX where it is not one of them.
  const size_t n_populations = net.populations.size();
  std::vector<uint32_t> source_first(n_populations, UINT32_MAX), unit_first(n_populations, UINT32_MAX);
  in.unit_population.assign(units, 0);
  for (uint32_t p = 0; p < n_populations; ++p) {
    const auto& span = net.populations[p];
    if (span.role != PopulationRole::readout) source_first[p] = (span.role == PopulationRole::spiking ? net.n_inputs : 0) + span.first;
    if (span.role == PopulationRole::input) continue;
    unit_first[p] = first_unit(net, span);
    for (uint32_t k = 0; k < span.size; ++k) in.unit_population[unit_first[p] + k] = p;
  }
  // Two passes (count, then fill) build a reverse index without per-unit vectors; the matrices
  // are visited in a fixed order, so entries are deterministic.
  in.start.assign(size_t{units} + 1, 0);
  const auto count = [&](uint32_t unit_offset, const model::SynapseMatrix<arith::FixedOps>& m) {
    for (uint32_t t : m.target) ++in.start[unit_offset + t + 1];
  };
  count(0, net.input_synapses);
  count(0, net.recurrent_synapses);
  count(n, net.readout_synapses);
  for (uint32_t u = 0; u < units; ++u) in.start[u + 1] += in.start[u];
  assign_on_huge_pages(in.entries, in.start[units]);
  std::vector<uint64_t> next(in.start.begin(), in.start.end() - 1);
  // Threads: a matrix's sources are cut into ranges; each range counts its synapses per target and
  // starts its cursors after the earlier ranges' synapses of that target, so every entry lands
  // where the one-thread fill (sources in order) puts it, for any thread count. Each range also
  // notes one (source, unit) of every projection it meets: where that projection's ranges are.
  const size_t max_chunks = resolve_threads(threads);
  std::vector<std::vector<uint64_t>> cursor(max_chunks);
  constexpr std::pair<uint32_t, uint32_t> kUnseen{UINT32_MAX, UINT32_MAX};
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> seen(max_chunks);  // per chunk, per projection
  const auto fill = [&](uint32_t source_offset, uint32_t unit_offset,
                        const model::SynapseMatrix<arith::FixedOps>& m) {
    const size_t chunks = std::clamp<size_t>(m.size() / kMinSynapsesPerChunk, 1, std::min<size_t>(max_chunks, std::max(m.n_sources, 1u)));
    parallel_chunks(chunks, threads, [&](size_t c) {
      cursor[c].assign(m.n_targets, 0);
      const auto end = static_cast<uint32_t>(chunk_begin(m.n_sources, chunks, c + 1));
      for (uint32_t i = m.row_start[chunk_begin(m.n_sources, chunks, c)]; i < m.row_start[end]; ++i) ++cursor[c][m.target[i]];
    });
    counts_to_chunk_cursors(cursor, chunks, m.n_targets, [&](size_t t) -> uint64_t& { return next[unit_offset + t]; });
    parallel_chunks(chunks, threads, [&](size_t c) {
      std::vector<uint64_t>& at = cursor[c];
      auto& projections = seen[c];
      const auto end = static_cast<uint32_t>(chunk_begin(m.n_sources, chunks, c + 1));
      const uint32_t i_end = m.row_start[end];
      for (auto s = static_cast<uint32_t>(chunk_begin(m.n_sources, chunks, c)); s < end; ++s)
        for (uint32_t i = m.row_start[s]; i < m.row_start[s + 1]; ++i) {
          // The write is scattered: request its line early (a hint; changes nothing).
          if (i + kPrefetchAhead < i_end) __builtin_prefetch(&in.entries[at[m.target[i + kPrefetchAhead]]], 1);
          const uint32_t projection = m.origin[i].projection;
          if (projection >= projections.size()) projections.resize(size_t{projection} + 1, kUnseen);
          if (projections[projection] == kUnseen) projections[projection] = {source_offset + s, unit_offset + m.target[i]};
          IncomingSynapses::Entry& e = in.entries[at[m.target[i]]++];
          e.source = source_offset + s;
          e.plastic = m.plastic[i] != 0 ? 1u : 0u;
        }
    });
  };
  fill(0, 0, net.input_synapses);
  fill(net.n_inputs, 0, net.recurrent_synapses);
  fill(net.n_inputs, n, net.readout_synapses);
  for (const auto& projections : seen) in.n_projections = std::max(in.n_projections, static_cast<uint32_t>(projections.size()));
  // Each projection's source range, filed under its target population.
  const auto population_of = [&](const std::vector<uint32_t>& first, uint32_t index) {
    for (uint32_t p = 0; p < n_populations; ++p)
      if (first[p] != UINT32_MAX && index >= first[p] && index - first[p] < net.populations[p].size) return p;
    throw std::logic_error("incoming_synapses: index outside every population");
  };
  in.ranges_into.assign(n_populations, {});
  for (uint32_t p = 0; p < in.n_projections; ++p) {
    for (const auto& projections : seen) {
      if (p >= projections.size() || projections[p] == kUnseen) continue;
      const uint32_t from = population_of(source_first, projections[p].first);
      in.ranges_into[population_of(unit_first, projections[p].second)].push_back(
          {source_first[from], source_first[from] + net.populations[from].size, p});
      break;
    }
  }
  for (auto& ranges : in.ranges_into)
    std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Per unit, the longest delay of its synapses (issue #14): its core's delay ring depth.
  const auto delays = [&](uint32_t unit_offset, const model::SynapseMatrix<arith::FixedOps>& m) {
    if (m.delay_steps.empty()) return;
    if (in.delay_steps.empty()) in.delay_steps.assign(units, 1);
    for (size_t i = 0; i < m.size(); ++i) {
      uint8_t& d = in.delay_steps[unit_offset + m.target[i]];
      d = std::max(d, m.delay_steps[i]);
    }
  };
  delays(0, net.input_synapses);
  delays(0, net.recurrent_synapses);
  delays(n, net.readout_synapses);
  return in;
}

UsageCounter::UsageCounter(const IncomingSynapses& in, const image::ChipConfig& chip,
                           const arith::QuantConfig& quant, image::StorageScheme storage,
                           uint32_t optimizer_state_bits, uint32_t factor_register_bits)
    : in_(in), chip_(chip),
      optimizer_bits_(storage == image::StorageScheme::full ? optimizer_state_bits : 0),
      factor_bits_(storage == image::StorageScheme::full ? factor_register_bits : 0),
      current_bits_(static_cast<uint32_t>(quant[arith::Quantity::synaptic_current].width)) {
  for (int plastic = 0; plastic < 2; ++plastic)
    for (int adaptive = 0; adaptive < 2; ++adaptive) {
      bits_static_[plastic][adaptive] =
          image::synapse_bits(chip, quant, storage, plastic, adaptive, optimizer_state_bits);
      learning_[plastic][adaptive] = model::learning_state_bits(quant, storage, plastic, adaptive, optimizer_state_bits);
    }
  source_stamps_.assign(in.n_sources, SourceStamps{});
  // One more projection than the image names: ProjectionCursor's "unknown".
  const uint32_t projections = in.n_projections + 1;
  projection_stamp_.assign(projections, 0);
  if (chip.fan_in_model == image::FanInModel::axons) {
    axon_first_.assign(projections, 0);
    std::vector<uint64_t> sources(projections, 0);
    sources[in.n_projections] = in.n_sources;  // "unknown": any source may appear
    for (const auto& ranges : in.ranges_into)
      for (const auto& r : ranges) {
        axon_first_[r.projection] = r.first;
        sources[r.projection] = r.end - r.first;
      }
    axon_base_.assign(projections, 0);
    uint64_t axons = 0;
    for (uint32_t p = 0; p < projections; ++p) {
      axon_base_[p] = axons;
      axons += sources[p];
    }
    axon_stamp_.assign(axons, 0);
  }
  if (factor_bits_ == 0) return;
  row_stamp_.assign(projections, 0);
  column_first_.assign(projections, UINT32_MAX);
  std::vector<uint32_t> last(projections, 0);
  for (uint32_t unit = 0; unit + 1 < in.start.size(); ++unit) {
    ProjectionCursor projection_of(in, unit);
    for (uint64_t i = in.start[unit]; i < in.start[unit + 1]; ++i) {
      const auto& e = in.entries[i];
      if (!e.plastic) continue;
      const uint32_t p = projection_of.projection(e.source);
      column_first_[p] = std::min<uint32_t>(column_first_[p], e.source);
      last[p] = std::max<uint32_t>(last[p], e.source);
    }
  }
  column_base_.assign(projections, 0);
  uint64_t columns = 0;
  for (uint32_t p = 0; p < projections; ++p) {
    column_base_[p] = columns;
    if (column_first_[p] != UINT32_MAX) columns += uint64_t{last[p]} - column_first_[p] + 1;
  }
  column_stamp_.assign(columns, 0);
}

void UsageCounter::start_slice() {
  ++stamp_;
  usage_ = {};
  before_last_ = {};
}

void UsageCounter::add(uint32_t unit) {
  before_last_ = usage_;
  new_sources_.clear();
  new_axons_.clear();
  new_plastic_.clear();
  new_synaptic_traces_.clear();
  new_projections_.clear();
  new_columns_.clear();
  ++add_count_;
  const int adaptive = in_.adaptive[unit];
  ++usage_.neurons;
  if (in_.current_based[unit]) usage_.memory_bits += current_bits_;
  // The delay ring: D - 1 future-step words for every neuron of the core, D its longest delay.
  if (!in_.delay_steps.empty()) usage_.delay_steps = std::max<uint32_t>(usage_.delay_steps, in_.delay_steps[unit]);
  usage_.memory_bits -= usage_.delay_buffer_bits;
  usage_.delay_buffer_bits = uint64_t{usage_.delay_steps - 1} * usage_.neurons * image::kDelaySlotBits;
  usage_.memory_bits += usage_.delay_buffer_bits;
  ProjectionCursor projection_of(in_, unit);
  const uint64_t end = in_.start[unit + 1];
  for (uint64_t i = in_.start[unit]; i < end; ++i) {
    // A source's stamps are a scattered read: request them early (a hint; changes nothing).
    if (i + kPrefetchAhead < end) __builtin_prefetch(&source_stamps_[in_.entries[i + kPrefetchAhead].source], 1);
    const auto& e = in_.entries[i];
    const uint32_t source = e.source, projection = projection_of.projection(source);
    ++usage_.synapses;
    usage_.memory_bits += bits_static_[e.plastic][adaptive];
    usage_.learning_bits += learning_[e.plastic][adaptive];
    if (e.plastic) usage_.optimizer_bits += optimizer_bits_;
    if (e.plastic && factor_bits_ != 0) add_factor_registers(projection, source);
    count_fan_in(projection, source);
    if (e.plastic && source_stamps_[source].plastic != stamp_) {
      source_stamps_[source].plastic = stamp_;
      new_plastic_.push_back(source);
      ++usage_.trace_slots;
    }
    if (e.plastic && in_.current_based[unit] && source_stamps_[source].synaptic_trace != stamp_) {
      source_stamps_[source].synaptic_trace = stamp_;
      new_synaptic_traces_.push_back(source);
      ++usage_.trace_slots;
    }
    if (projection_stamp_[projection] != stamp_) {
      projection_stamp_[projection] = stamp_;
      new_projections_.push_back(projection);
      ++usage_.groups;
      usage_.memory_bits += image::kGroupHeaderBits;
    }
  }
}

// One more fan-in when this synapse's source (source_neurons) or its axon, the (projection, source)
// pair (axons), has no synapse on the slice yet (image::FanInModel).
void UsageCounter::count_fan_in(uint32_t projection, uint32_t source) {
  if (axon_stamp_.empty()) {
    if (source_stamps_[source].any == stamp_) return;
    source_stamps_[source].any = stamp_;
    new_sources_.push_back(source);
  } else {
    const uint64_t axon = axon_base_[projection] + (source - axon_first_[projection]);
    if (axon_stamp_[axon] == stamp_) return;
    axon_stamp_[axon] = stamp_;
    new_axons_.push_back(axon);
  }
  ++usage_.fan_in;
}

void UsageCounter::add_factor_registers(uint32_t projection, uint32_t source) {
  uint64_t registers = 0;
  if (row_stamp_[projection] != add_count_) {  // this unit's row of the projection
    row_stamp_[projection] = add_count_;
    ++registers;
  }
  const uint64_t column = column_base_[projection] + (source - column_first_[projection]);
  if (column_stamp_[column] != stamp_) {  // the source's column of the projection on this core
    column_stamp_[column] = stamp_;
    new_columns_.push_back(column);
    ++registers;
  }
  const uint64_t bits = registers * factor_bits_;
  usage_.factor_bits += bits;
  usage_.optimizer_bits += bits;
  usage_.learning_bits += bits;
  usage_.memory_bits += bits;
}

void UsageCounter::undo_last() {
  for (uint64_t c : new_columns_) column_stamp_[c] = 0;
  for (uint32_t s : new_sources_) source_stamps_[s].any = 0;
  for (uint64_t a : new_axons_) axon_stamp_[a] = 0;
  for (uint32_t s : new_plastic_) source_stamps_[s].plastic = 0;
  for (uint32_t s : new_synaptic_traces_) source_stamps_[s].synaptic_trace = 0;
  for (uint32_t p : new_projections_) projection_stamp_[p] = 0;
  usage_ = before_last_;
}

const char* UsageCounter::exceeded() const {
  if (usage_.neurons > chip_.core_max_neurons) return "core_max_neurons";
  if (usage_.memory_bits > chip_.core_synapse_memory_bits) return "core_synapse_memory_bits";
  if (usage_.fan_in > chip_.core_max_fan_in) return "core_max_fan_in";
  if (usage_.trace_slots > chip_.core_trace_slots) return "core_trace_slots";
  return nullptr;
}

}  // namespace nchip::compiler
