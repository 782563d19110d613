#include "runtime/cli/run_results.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "runtime/cli/options.hpp"

namespace nchip::runtime {

void RunCounts::begin(uint32_t run_steps, uint32_t n_neurons, uint32_t) {
  steps = run_steps;
  spikes_per_neuron.assign(n_neurons, 0);
}

void RunCounts::step(const std::vector<uint32_t>& spikes, const std::vector<double>&, const std::vector<double>&,
                     const std::vector<double>&) {
  for (uint32_t j : spikes) ++spikes_per_neuron[j];
}

void RunCounts::end(uint64_t events, const arith::SaturationCounts& counts) {
  synaptic_events = events;
  saturations = counts;
}

std::vector<PopulationSummary> summarize(const ir::Network& network, uint32_t steps,
                                         const std::vector<uint64_t>& spikes_per_neuron) {
  std::vector<PopulationSummary> summary;
  uint32_t first = 0;
  const double duration_s = steps * network.dt_ms * 1e-3;
  for (const auto& pop : network.populations) {
    if (pop.type == ir::PopulationType::input || pop.type == ir::PopulationType::readout) continue;
    PopulationSummary s{pop.name, ir::to_string(pop.type), pop.size, 0, 0.0};
    for (uint32_t j = first; j < first + pop.size && j < spikes_per_neuron.size(); ++j) s.spikes += spikes_per_neuron[j];
    s.rate_hz = s.spikes / (pop.size * duration_s);
    summary.push_back(s);
    first += pop.size;
  }
  return summary;
}

nlohmann::json results_head_json(const ir::Network& network, const std::string& mode, uint64_t seed, uint32_t steps,
                                 uint64_t synaptic_events, const arith::SaturationCounts& saturations,
                                 const std::vector<PopulationSummary>& summary) {
  nlohmann::json out;
  out["network"] = network.name;
  out["mode"] = mode;
  out["seed"] = seed;
  out["dt_ms"] = network.dt_ms;
  out["steps"] = steps;
  out["synaptic_events"] = synaptic_events;
  nlohmann::json pops = nlohmann::json::array();
  for (const auto& p : summary)
    pops.push_back({{"name", p.name}, {"type", p.type}, {"size", p.size}, {"spikes", p.spikes},
                    {"rate_hz", p.rate_hz}});
  out["populations"] = pops;
  if (mode == "fixed") out["saturations"] = saturation_json(saturations);
  return out;
}

nlohmann::json results_json(const ir::Network& network, const std::string& mode, uint64_t seed,
                            const model::Recording& rec, const std::vector<PopulationSummary>& summary) {
  nlohmann::json out = results_head_json(network, mode, seed, rec.steps, rec.synaptic_events, rec.saturations, summary);
  // One row per step of `size` values from [step * stride + first]: a population's readouts or voltages.
  const auto rows_of = [&rec](const std::vector<double>& values, uint32_t stride, uint32_t first, uint32_t size) {
    nlohmann::json rows = nlohmann::json::array();
    for (uint32_t t = 0; t < rec.steps; ++t) {
      nlohmann::json row = nlohmann::json::array();
      for (uint32_t k = 0; k < size; ++k) row.push_back(values[size_t{t} * stride + first + k]);
      rows.push_back(row);
    }
    return rows;
  };
  // Spikes and readouts are listed per population, in population-local indices.
  nlohmann::json trains = nlohmann::json::object();
  nlohmann::json readouts = nlohmann::json::object();
  nlohmann::json voltages = nlohmann::json::object();
  uint32_t neuron_first = 0, readout_first = 0;
  for (const auto& pop : network.populations) {
    if (pop.type == ir::PopulationType::readout) {
      readouts[pop.name] = rows_of(rec.readouts, rec.n_readouts, readout_first, pop.size);
      readout_first += pop.size;
    } else if (pop.type != ir::PopulationType::input) {
      nlohmann::json list = nlohmann::json::array();
      for (uint32_t t = 0; t < rec.steps; ++t)
        for (uint32_t j : rec.spikes[t])
          if (j >= neuron_first && j < neuron_first + pop.size) list.push_back({t, j - neuron_first});
      trains[pop.name] = list;
      if (!rec.voltages.empty()) voltages[pop.name] = rows_of(rec.voltages, rec.n_neurons, neuron_first, pop.size);
      neuron_first += pop.size;
    }
  }
  out["spikes"] = trains;
  out["readouts"] = readouts;
  if (!rec.voltages.empty()) out["voltages"] = voltages;
  return out;
}

// ---- streaming ------------------------------------------------------------------------------------
// The text below is what nlohmann::json::dump(1) writes: one space of indent per level, "key": value,
// elements one per line, "[]" / "{}" when empty; numbers and names are dumped by nlohmann itself.

namespace {

std::string number_text(double v) { return nlohmann::json(v).dump(); }

// `text` (a dump(1) of a value) moved `levels` spaces to the right, for nesting inside an object.
std::string indented(const std::string& text, int levels) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(static_cast<size_t>(levels), ' ');
  }
  return out;
}

// A row of values, an element at level 3 ("voltages" -> population -> list of rows).
void append_row(std::string& out, const std::vector<double>& values, uint32_t first, uint32_t size) {
  if (size == 0) {
    out += "   []";
    return;
  }
  out += "   [\n";
  for (uint32_t k = 0; k < size; ++k) {
    out += "    ";
    out += number_text(values[first + k]);
    out += k + 1 < size ? ",\n" : "\n";
  }
  out += "   ]";
}

}  // namespace

StreamedRunResults::StreamedRunResults(const std::string& path, const ir::Network& network) : path_(path) {
  AtomicFileWriter probe(path);  // refused now rather than after the run; removed again at once
  uint32_t neuron_first = 0, readout_first = 0;
  for (const auto& pop : network.populations) {
    if (pop.type == ir::PopulationType::readout) {
      readout_lists_.push_back({pop.name, readout_first, pop.size, 0});
      readout_first += pop.size;
    } else if (pop.type != ir::PopulationType::input) {
      spike_list_of_neuron_.insert(spike_list_of_neuron_.end(), pop.size, static_cast<uint32_t>(spike_lists_.size()));
      spike_lists_.push_back({pop.name, neuron_first, pop.size, 0});
      neuron_first += pop.size;
    }
  }
  voltage_lists_ = spike_lists_;
  size_t stream = 0;
  for (auto* lists : {&spike_lists_, &voltage_lists_, &readout_lists_})
    for (List& l : *lists) l.stream = stream++;
  spill_.emplace(path, stream);
}

void StreamedRunResults::begin(uint32_t, uint32_t, uint32_t) {}

void StreamedRunResults::step(const std::vector<uint32_t>& spikes, const std::vector<double>& readouts,
                              const std::vector<double>& voltages, const std::vector<double>&) {
  for (uint32_t j : spikes) {
    const List& l = spike_lists_[spike_list_of_neuron_[j]];
    element_.clear();
    if (!spill_->empty(l.stream)) element_ += ",\n";
    element_ += "   [\n    " + std::to_string(step_) + ",\n    " + std::to_string(j - l.first) + "\n   ]";
    spill_->append(l.stream, element_);
  }
  for (const List& l : readout_lists_) {
    element_.clear();
    if (!spill_->empty(l.stream)) element_ += ",\n";
    append_row(element_, readouts, l.first, l.size);
    spill_->append(l.stream, element_);
  }
  if (!voltages.empty()) {
    any_voltage_ = true;
    for (const List& l : voltage_lists_) {
      element_.clear();
      if (!spill_->empty(l.stream)) element_ += ",\n";
      append_row(element_, voltages, l.first, l.size);
      spill_->append(l.stream, element_);
    }
  }
  ++step_;
}

void StreamedRunResults::end(uint64_t, const arith::SaturationCounts&) {}

void StreamedRunResults::write_member(AtomicFileWriter& out, const std::vector<List>& lists) {
  if (lists.empty()) {
    out.write("{}");
    return;
  }
  std::vector<const List*> by_name;
  for (const List& l : lists) by_name.push_back(&l);
  std::sort(by_name.begin(), by_name.end(), [](const List* a, const List* b) { return a->population < b->population; });
  out.write("{\n");
  for (size_t i = 0; i < by_name.size(); ++i) {
    const List& l = *by_name[i];
    out.write("  " + nlohmann::json(l.population).dump() + ": ");
    if (spill_->empty(l.stream)) {
      out.write("[]");
    } else {
      out.write("[\n");
      spill_->copy_to(l.stream, out);
      out.write("\n  ]");
    }
    out.write(i + 1 < by_name.size() ? ",\n" : "\n");
  }
  out.write(" }");
}

void StreamedRunResults::commit(const nlohmann::json& head) {
  AtomicFileWriter out(path_);
  // The members in nlohmann's order (its objects are std::maps: keys sorted bytewise).
  std::map<std::string, std::function<void()>> members;
  for (const auto& [key, value] : head.items()) {
    const std::string text = indented(value.dump(1), 1);
    members[key] = [&out, text] { out.write(text); };
  }
  members["spikes"] = [&] { write_member(out, spike_lists_); };
  members["readouts"] = [&] { write_member(out, readout_lists_); };
  if (any_voltage_) members["voltages"] = [&] { write_member(out, voltage_lists_); };
  out.write("{\n");
  size_t i = 0;
  for (const auto& [key, write_value] : members) {
    out.write(" " + nlohmann::json(key).dump() + ": ");
    write_value();
    out.write(++i < members.size() ? ",\n" : "\n");
  }
  out.write("}\n");
  out.commit();
}

}  // namespace nchip::runtime
