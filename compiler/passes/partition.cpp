#include "compiler/passes/partition.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

using model::PopulationRole;

struct Cut {
  uint32_t first, count;
  CoreUsage usage;
};

std::string resource_text(const char* field, const CoreUsage& u, const image::ChipConfig& chip) {
  const std::string f(field);
  if (f == "core_max_neurons") return fmt::format("{} neurons (chip allows {})", u.neurons, chip.core_max_neurons);
  if (f == "core_synapse_memory_bits")
    return fmt::format("{} bits of synapse memory for {} synapses{} (a core has {})", u.memory_bits, u.synapses,
                       u.delay_buffer_bits ? fmt::format(" and a {}-step delay buffer of {} bits", u.delay_steps,
                                                         u.delay_buffer_bits)
                                           : std::string(),
                       chip.core_synapse_memory_bits);
  if (f == "core_max_fan_in")
    return fmt::format("fan-in of {} {} (chip allows {})", u.fan_in,
                       chip.fan_in_model == image::FanInModel::axons ? "input axons" : "presynaptic neurons",
                       chip.core_max_fan_in);
  return fmt::format("{} presynaptic trace slots (a core has {})", u.trace_slots, chip.core_trace_slots);
}

// Greedy contiguous cut: the fewest slices for monotone limits (adding a neuron never makes a
// slice cheaper). Records which limit closed the most slices, for the error message.
std::vector<Cut> greedy_cut(const model::PopulationSpan& pop, uint32_t unit0, UsageCounter& counter,
                            const image::ChipConfig& chip, const char*& limiting) {
  std::vector<Cut> cuts;
  counter.start_slice();
  uint32_t first = 0;
  limiting = "core_max_neurons";
  for (uint32_t i = 0; i < pop.size; ++i) {
    counter.add(unit0 + i);
    if (const char* over = counter.exceeded()) {
      counter.undo_last();
      if (counter.usage().neurons == 0) {
        counter.add(unit0 + i);
        throw InputError(fmt::format(
            "population '{}' neuron {} does not fit a core on its own: it needs {}; chip '{}' ({}) is "
            "too small for it",
            pop.name, i, resource_text(over, counter.usage(), chip), chip.name, over));
      }
      if (std::string(over) != "core_max_neurons") limiting = over;
      cuts.push_back({first, i - first, counter.usage()});
      first = i;
      counter.start_slice();
      --i;  // retry this neuron in the new slice
    }
  }
  if (pop.size > first) cuts.push_back({first, pop.size - first, counter.usage()});
  return cuts;
}

// Same number of slices, sizes differing by at most one: better for placement and leaves every
// core some headroom. Returns false when an even cut breaks a limit (sparse, uneven fan-in).
bool even_cut(const model::PopulationSpan& pop, uint32_t unit0, UsageCounter& counter, size_t k,
              std::vector<Cut>& out) {
  std::vector<Cut> cuts;
  uint32_t first = 0;
  for (size_t s = 0; s < k; ++s) {
    const uint32_t count = static_cast<uint32_t>(pop.size / k + (s < pop.size % k ? 1 : 0));
    counter.start_slice();
    for (uint32_t i = 0; i < count; ++i) counter.add(unit0 + first + i);
    if (counter.exceeded()) return false;
    cuts.push_back({first, count, counter.usage()});
    first += count;
  }
  out = std::move(cuts);
  return true;
}

// The packed cut (PackingMode::greedy, see partition.hpp): one greedy pass over the non-input
// neurons of every population in population order, closing a core when the next neuron does not
// fit and a slice when its population or its core ends.
void packed_cut(const model::NetworkModel<arith::FixedOps>& network, UsageCounter& counter,
                const image::ChipConfig& chip, Partition& out) {
  const uint32_t tiles = chip.tiles();
  bool core_open = false;
  const char* closed_by = "core_max_neurons";  // what closed the last core, with its usage plus the
  CoreUsage closed_usage;                       // neuron that did not fit (for the error message)
  const auto close_core = [&] {
    out.usage.push_back(counter.usage());
    ++out.cores_used;
    core_open = false;
  };
  for (uint32_t p = 0; p < network.populations.size(); ++p) {
    const auto& pop = network.populations[p];
    if (pop.role == PopulationRole::input || pop.size == 0) continue;
    const uint32_t unit0 = first_unit(network, pop);
    uint32_t first = 0;  // this population's first neuron not yet in a closed slice
    const auto close_slice = [&](uint32_t end) {
      if (end == first) return;
      image::Slice s;
      s.population = p;
      s.first = first;
      s.count = end - first;
      s.sends = pop.role == PopulationRole::spiking;
      out.slices.push_back(s);
      out.core.push_back(out.cores_used);
      first = end;
    };
    for (uint32_t i = 0; i < pop.size; ++i) {
      if (!core_open) {
        if (out.cores_used == tiles)
          throw InputError(fmt::format(
              "population '{}' neurons {}-{} need core {}, but chip '{}' has {} cores even packed (core {} "
              "is full: its next neuron would need {}; {})",
              pop.name, i, pop.size - 1, tiles, chip.name, tiles, tiles - 1,
              resource_text(closed_by, closed_usage, chip), closed_by));
        counter.start_slice();
        core_open = true;
      }
      counter.add(unit0 + i);
      const char* over = counter.exceeded();
      if (!over) continue;
      if (counter.usage().neurons == 1)
        throw InputError(fmt::format(
            "population '{}' neuron {} does not fit a core on its own: it needs {}; chip '{}' ({}) is "
            "too small for it",
            pop.name, i, resource_text(over, counter.usage(), chip), chip.name, over));
      closed_by = over;
      closed_usage = counter.usage();
      counter.undo_last();
      close_slice(i);
      close_core();
      --i;  // retry this neuron on a new core
    }
    close_slice(pop.size);
  }
  if (core_open) close_core();
}

}  // namespace

bool packing_mode_from_string(const std::string& text, PackingMode& mode) {
  if (text == "none") mode = PackingMode::none;
  else if (text == "greedy") mode = PackingMode::greedy;
  else if (text == "auto") mode = PackingMode::when_needed;
  else return false;
  return true;
}

Partition partition(const model::NetworkModel<arith::FixedOps>& network, const IncomingSynapses& in,
                    const image::ChipConfig& chip, const arith::QuantConfig& quant,
                    image::StorageScheme storage, uint32_t optimizer_state_bits, uint32_t factor_register_bits,
                    PackingMode packing) {
  if (packing == PackingMode::when_needed) throw std::logic_error("partition: resolve 'auto' packing first");
  Partition out;
  UsageCounter counter(in, chip, quant, storage, optimizer_state_bits, factor_register_bits);
  const uint32_t tiles = chip.tiles();
  for (uint32_t p = 0; p < network.populations.size(); ++p) {
    const auto& pop = network.populations[p];
    if (pop.role == PopulationRole::input) {
      // The host sends an input slice's spikes under one key block of core_max_neurons keys.
      for (uint32_t first = 0; first < pop.size; first += chip.core_max_neurons) {
        image::Slice s;
        s.population = p;
        s.first = first;
        s.count = std::min(chip.core_max_neurons, pop.size - first);
        s.sends = true;
        out.slices.push_back(s);
        out.core.push_back(kNoCore);
      }
      continue;
    }
    if (pop.size == 0 || packing == PackingMode::greedy) continue;
    const uint32_t unit0 = first_unit(network, pop);
    const char* limiting = nullptr;
    std::vector<Cut> cuts = greedy_cut(pop, unit0, counter, chip, limiting);
    if (cuts.size() > 1) even_cut(pop, unit0, counter, cuts.size(), cuts);
    const uint32_t free_cores = tiles - out.cores_used;
    if (cuts.size() > free_cores) {
      const bool by_neurons = cuts.size() == (pop.size + chip.core_max_neurons - 1) / chip.core_max_neurons;
      const std::string why =
          by_neurons ? fmt::format("{} cores of {} neurons", cuts.size(), chip.core_max_neurons)
                     : fmt::format("{} cores ({} limits a core to {} of its neurons)", cuts.size(),
                                   limiting, cuts.front().count);
      throw InputError(fmt::format("population '{}' needs {}; {} {} free on chip '{}' ({} cores)",
                                   pop.name, why, free_cores, free_cores == 1 ? "is" : "are",
                                   chip.name, tiles));
    }
    for (const Cut& c : cuts) {
      image::Slice s;
      s.population = p;
      s.first = c.first;
      s.count = c.count;
      s.sends = pop.role == PopulationRole::spiking;
      out.slices.push_back(s);
      out.core.push_back(out.cores_used);
      out.usage.push_back(c.usage);
      ++out.cores_used;
    }
  }
  if (packing == PackingMode::greedy) {
    // Input slices first (above), then the packed cores; restore (population, first) order.
    Partition packed;
    packed_cut(network, counter, chip, packed);
    for (size_t s = 0; s < packed.slices.size(); ++s) {
      out.slices.push_back(packed.slices[s]);
      out.core.push_back(packed.core[s]);
    }
    out.usage = std::move(packed.usage);
    out.cores_used = packed.cores_used;
    std::vector<size_t> order(out.slices.size());
    for (size_t s = 0; s < order.size(); ++s) order[s] = s;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return out.slices[a].population != out.slices[b].population ? out.slices[a].population < out.slices[b].population
                                                                   : out.slices[a].first < out.slices[b].first;
    });
    Partition sorted;
    for (size_t s : order) {
      sorted.slices.push_back(out.slices[s]);
      sorted.core.push_back(out.core[s]);
    }
    out.slices = std::move(sorted.slices);
    out.core = std::move(sorted.core);
  }
  return out;
}

}  // namespace nchip::compiler
