// What a run of any chip model records for the user (spikes, readouts, voltages in real units),
// and the input spike trains it is driven with: one definition the functional and the SystemC
// model both fill. A run hands each step to a RecordingSink as it happens: RecordingCollector keeps
// them all (a Recording, O(steps x neurons) memory); `nchip run --out` streams them to disk instead
// (runtime/cli/run_results.hpp, issue #15), so a 10^7-step recording needs O(neurons) memory.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "hw_model/arith/quantity.hpp"

namespace nchip::model {

using InputSpikes = std::vector<std::vector<uint32_t>>;  // [step] -> sorted active inputs

struct Recording {
  uint32_t steps = 0;
  uint32_t n_neurons = 0;
  uint32_t n_readouts = 0;
  std::vector<std::vector<uint32_t>> spikes;  // [step] -> neurons that fired in that step
  std::vector<double> readouts;               // [step * n_readouts + k], y after the step
  std::vector<double> voltages;               // [step * n_neurons + j] when requested
  std::vector<double> currents;               // CUBA's synaptic current i, alike (0 for LIF/ALIF)
  uint64_t synaptic_events = 0;
  arith::SaturationCounts saturations;        // fixed mode only
};

// Receives a run step by step. `begin` comes once, before the first step; `step` once per step, with
// the neurons that fired, the readouts after the step and, when voltages are recorded, each neuron's
// v and CUBA current i (empty otherwise), all in real units; `end` once, with the totals.
class RecordingSink {
 public:
  virtual ~RecordingSink() = default;
  virtual void begin(uint32_t steps, uint32_t n_neurons, uint32_t n_readouts) = 0;
  virtual void step(const std::vector<uint32_t>& spikes, const std::vector<double>& readouts,
                    const std::vector<double>& voltages, const std::vector<double>& currents) = 0;
  virtual void end(uint64_t synaptic_events, const arith::SaturationCounts& saturations) = 0;
};

// Keeps every step: the Recording of the whole run.
class RecordingCollector final : public RecordingSink {
 public:
  void begin(uint32_t steps, uint32_t n_neurons, uint32_t n_readouts) override {
    rec_ = Recording{};
    rec_.steps = steps;
    rec_.n_neurons = n_neurons;
    rec_.n_readouts = n_readouts;
    rec_.spikes.reserve(steps);
    rec_.readouts.reserve(size_t{steps} * n_readouts);
  }
  void step(const std::vector<uint32_t>& spikes, const std::vector<double>& readouts,
            const std::vector<double>& voltages, const std::vector<double>& currents) override {
    rec_.spikes.push_back(spikes);
    rec_.readouts.insert(rec_.readouts.end(), readouts.begin(), readouts.end());
    rec_.voltages.insert(rec_.voltages.end(), voltages.begin(), voltages.end());
    rec_.currents.insert(rec_.currents.end(), currents.begin(), currents.end());
  }
  void end(uint64_t synaptic_events, const arith::SaturationCounts& saturations) override {
    rec_.synaptic_events = synaptic_events;
    rec_.saturations = saturations;
  }
  Recording take() { return std::move(rec_); }

 private:
  Recording rec_;
};

// Forwards every call to each of several sinks (a run that streams to disk and also keeps counts).
class RecordingTee final : public RecordingSink {
 public:
  explicit RecordingTee(std::vector<RecordingSink*> sinks) : sinks_(std::move(sinks)) {}
  void begin(uint32_t steps, uint32_t n_neurons, uint32_t n_readouts) override {
    for (RecordingSink* s : sinks_) s->begin(steps, n_neurons, n_readouts);
  }
  void step(const std::vector<uint32_t>& spikes, const std::vector<double>& readouts,
            const std::vector<double>& voltages, const std::vector<double>& currents) override {
    for (RecordingSink* s : sinks_) s->step(spikes, readouts, voltages, currents);
  }
  void end(uint64_t synaptic_events, const arith::SaturationCounts& saturations) override {
    for (RecordingSink* s : sinks_) s->end(synaptic_events, saturations);
  }

 private:
  std::vector<RecordingSink*> sinks_;
};

}  // namespace nchip::model
