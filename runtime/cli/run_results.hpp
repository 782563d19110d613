// What `nchip run` reports: the results JSON of --out (every spike, readout and, with
// --record-voltages, voltage, per population), the summary --json prints and the text summary.
// One definition from a whole Recording (results_json, the plain one), and a streaming writer
// (StreamedRunResults) that writes the same bytes while the run goes on, holding O(neurons) in memory
// and spilling the per-step lists to an unlinked temporary file (issue #15: 10^7-step recordings).
// The file is written whole or not at all (temp + rename).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/network.hpp"
#include "hw_model/model/recording.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/io/spill_streams.hpp"

namespace nchip::runtime {

struct PopulationSummary {
  std::string name;
  std::string type;
  uint32_t size = 0;
  uint64_t spikes = 0;
  double rate_hz = 0.0;
};

// Counts what the summaries need while a run goes: spikes per neuron, the totals.
class RunCounts final : public model::RecordingSink {
 public:
  void begin(uint32_t steps, uint32_t n_neurons, uint32_t n_readouts) override;
  void step(const std::vector<uint32_t>& spikes, const std::vector<double>& readouts,
            const std::vector<double>& voltages, const std::vector<double>& currents) override;
  void end(uint64_t synaptic_events, const arith::SaturationCounts& saturations) override;

  uint32_t steps = 0;
  std::vector<uint64_t> spikes_per_neuron;
  uint64_t synaptic_events = 0;
  arith::SaturationCounts saturations;
};

// Spikes and rates per spiking population (neurons are numbered across them in network order).
std::vector<PopulationSummary> summarize(const ir::Network& network, uint32_t steps,
                                         const std::vector<uint64_t>& spikes_per_neuron);

// The results without spikes, readouts and voltages (what --json prints, with its wall time).
nlohmann::json results_head_json(const ir::Network& network, const std::string& mode, uint64_t seed, uint32_t steps,
                                 uint64_t synaptic_events, const arith::SaturationCounts& saturations,
                                 const std::vector<PopulationSummary>& summary);

// The whole results JSON from a whole recording: the plain definition StreamedRunResults is tested against.
nlohmann::json results_json(const ir::Network& network, const std::string& mode, uint64_t seed,
                            const model::Recording& rec, const std::vector<PopulationSummary>& summary);

// Streams a run's spikes, readouts and voltages towards `path`; commit() writes the file, byte for
// byte results_json(...).dump(1) + "\n", through a temporary file renamed over `path`. The spill file
// is created (and unlinked) at construction, and `path`'s temporary file probed there, so an
// unwritable path is refused before the run; a run that fails or is killed before commit() leaves
// `path` untouched and no file behind.
class StreamedRunResults final : public model::RecordingSink {
 public:
  StreamedRunResults(const std::string& path, const ir::Network& network);
  void begin(uint32_t steps, uint32_t n_neurons, uint32_t n_readouts) override;
  void step(const std::vector<uint32_t>& spikes, const std::vector<double>& readouts,
            const std::vector<double>& voltages, const std::vector<double>& currents) override;
  void end(uint64_t synaptic_events, const arith::SaturationCounts& saturations) override;
  void commit(const nlohmann::json& head);

 private:
  // One list of one population: its stream in the spill file and where its values lie in a step.
  struct List {
    std::string population;
    uint32_t first = 0, size = 0;  // neuron (or readout) range
    size_t stream = 0;
  };
  void write_member(AtomicFileWriter& out, const std::vector<List>& lists);

  std::string path_;
  std::vector<List> spike_lists_, readout_lists_, voltage_lists_;  // each sorted by population name
  std::optional<SpillStreams> spill_;
  std::vector<uint32_t> spike_list_of_neuron_;  // index into spike_lists_
  uint32_t step_ = 0;
  bool any_voltage_ = false;
  std::string element_;  // scratch for one element's text
};

}  // namespace nchip::runtime
