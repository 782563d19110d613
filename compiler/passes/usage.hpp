// What a set of neurons costs a core: neuron slots, synapses, synapse memory (synapse words,
// projection group headers and learning state, counted with image::synapse_bits; Adafactor's row
// and column registers, one per (projection, target) and per (projection, source) of the core's
// plastic synapses; plus one
// synaptic_current word per CUBA neuron and CubaLI readout, the state a neuron slot (v, a, h, refractory) lacks), fan-in and
// presynaptic trace slots; plus the delay ring of the longest incoming synaptic delay. The partitioner grows slices with it and the report recounts them
// with it, so "fits" and "uses" can never disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/arith/ops.hpp"
#include "hw_model/image/chip_config.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::compiler {

// Units are the neurons that sit on cores: spiking neurons [0, n_neurons), then readouts.
// Sources are the neurons that send spikes: inputs [0, n_inputs), then spiking neurons.
struct IncomingSynapses {
  // 4 bytes: one per synapse, so it sets much of compile's peak memory (it was 12, then 8 bytes
  // with the projection in it; the projection now comes from the source, see ProjectionCursor).
  struct Entry {
    uint32_t source : 31;
    uint32_t plastic : 1;
  };
  // The sources [first, end) of one projection into a unit population: one projection per
  // (source population, target population) pair, so a unit's synapses of one projection are exactly
  // those from that projection's source population.
  struct SourceRange {
    uint32_t first, end, projection;
  };
  std::vector<uint64_t> start;  // unit u's synapses: [start[u], start[u + 1]), sources ascending
  std::vector<Entry> entries;
  std::vector<uint32_t> unit_population;  // per unit: its population (index in ranges_into)
  std::vector<std::vector<SourceRange>> ranges_into;  // per unit population, by source
  std::vector<uint8_t> adaptive;  // per unit: ALIF (its plastic synapses also keep eps_a)
  std::vector<uint8_t> current_based;  // per unit: CUBA or CubaLI (one synaptic current word in core memory)
  std::vector<uint8_t> delay_steps;    // per unit: its synapses' longest delay (empty: all 1)
  uint32_t n_sources = 0;
  uint32_t n_projections = 0;  // projection numbers are below it; n_projections itself: "unknown" (see below)
};

// The projections of one unit's entries, visited in order (sources ascending). A source outside
// every range of the unit's population (only a hand-made image can have one: the compiler's
// synapses come from their projection's source population) gets projection n_projections, which
// the counters treat as one more projection.
class ProjectionCursor {
 public:
  ProjectionCursor(const IncomingSynapses& in, uint32_t unit)
      : ranges_(in.ranges_into[in.unit_population[unit]]), unknown_(in.n_projections) {}
  uint32_t projection(uint32_t source) {
    if (at_ < ranges_.size() && source < ranges_[at_].first) at_ = 0;  // not ascending: start over
    while (at_ < ranges_.size() && ranges_[at_].end <= source) ++at_;
    return at_ < ranges_.size() && ranges_[at_].first <= source ? ranges_[at_].projection : unknown_;
  }

 private:
  const std::vector<IncomingSynapses::SourceRange>& ranges_;
  uint32_t unknown_;
  size_t at_ = 0;
};

// `threads` (0: all hardware threads) fills the index in parallel; the same entries for any count.
IncomingSynapses incoming_synapses(const model::NetworkModel<arith::FixedOps>& network, unsigned threads = 1);

// First unit of a population (its role's index shifted into the unit space); inputs have none.
uint32_t first_unit(const model::NetworkModel<arith::FixedOps>& network, const model::PopulationSpan& span);

struct CoreUsage {
  uint32_t neurons = 0;
  uint64_t synapses = 0;
  uint64_t memory_bits = 0;  // synapse words + group headers + learning state + CUBA currents + delay ring
  uint32_t delay_steps = 1;  // longest synaptic delay onto the core: its delay ring's slots
  uint64_t delay_buffer_bits = 0;  // (delay_steps - 1) * neurons * image::kDelaySlotBits (part of memory_bits)
  uint64_t learning_bits = 0;
  uint64_t optimizer_bits = 0;  // the batch optimizer's state (part of learning_bits), factor_bits included
  // Adafactor's statistics here: a row register per (projection, target neuron) and a column register
  // per (projection, source neuron) with a plastic synapse on this core. A projection cut over several
  // cores keeps a column register on each (the copy its update reads), so the chip total can exceed
  // learning::factor_state_bits' one set per projection.
  uint64_t factor_bits = 0;
  // In the chip's fan-in model (image::FanInModel): distinct presynaptic neurons, or distinct input
  // axons, (presynaptic neuron, projection) pairs, with a synapse on the core.
  uint32_t fan_in = 0;
  // Distinct presynaptic neurons with a plastic synapse here, plus one more for each of them that
  // reaches a CUBA neuron or CubaLI readout here: its synaptic filter zsyn (hw_model/arith/presynaptic_trace.hpp).
  uint32_t trace_slots = 0;
  uint32_t groups = 0;       // projections with a synapse here
};

// Accumulates units into one slice at a time; add() can be undone once, which is how the
// partitioner tries a neuron and takes it back when it does not fit.
class UsageCounter {
 public:
  UsageCounter(const IncomingSynapses& in, const image::ChipConfig& chip, const arith::QuantConfig& quant,
               image::StorageScheme storage, uint32_t optimizer_state_bits = 0,
               uint32_t factor_register_bits = 0);
  void start_slice();
  void add(uint32_t unit);
  void undo_last();
  const CoreUsage& usage() const { return usage_; }
  // nullptr when the slice fits a core, else the chip field of the first exceeded resource.
  const char* exceeded() const;

 private:
  void add_factor_registers(uint32_t projection, uint32_t source);
  void count_fan_in(uint32_t projection, uint32_t source);

  const IncomingSynapses& in_;
  const image::ChipConfig& chip_;
  uint64_t optimizer_bits_;  // per plastic synapse: the batch optimizer's state (0 with factored storage)
  uint64_t factor_bits_;     // per row / column register (Adafactor; 0 otherwise or with factored storage)
  uint32_t bits_static_[2][2];    // [plastic][adaptive] synapse bits
  uint32_t learning_[2][2];
  uint32_t current_bits_;  // a CUBA neuron's synaptic current word
  CoreUsage usage_, before_last_;
  uint32_t stamp_ = 0;
  // Per source, the slice (stamp_) that last counted it: in its fan-in, its trace slot, its synaptic
  // filter's slot. Side by side, so a synapse's source costs one cache line, not three.
  struct SourceStamps {
    uint32_t any = 0, plastic = 0, synaptic_trace = 0;
  };
  std::vector<SourceStamps> source_stamps_;
  std::vector<uint32_t> projection_stamp_;
  // FanInModel::axons: the slice that last counted each (projection, source) axon, at
  // axon_stamp_[axon_base_[p] + source - axon_first_[p]] over each projection's source range
  // (the "unknown" projection: every source); empty with the source_neurons model.
  std::vector<uint32_t> axon_stamp_, axon_first_;
  std::vector<uint64_t> axon_base_;
  std::vector<uint64_t> new_axons_;
  std::vector<uint32_t> new_sources_, new_plastic_, new_synaptic_traces_, new_projections_;
  // Adafactor's registers: a row is new once per (unit, projection) (row_stamp_ per projection, keyed
  // by the add); a column once per (slice, projection, source): column_stamp_[column_base_[p] + source
  // - column_first_[p]], sized by each projection's range of plastic sources (O(pre) per projection).
  uint64_t add_count_ = 0;
  std::vector<uint64_t> row_stamp_, column_base_;
  std::vector<uint32_t> column_first_, column_stamp_;
  std::vector<uint64_t> new_columns_;
};

}  // namespace nchip::compiler
