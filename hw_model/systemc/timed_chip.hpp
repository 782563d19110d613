// The runtime's handle on the SystemC chip, with no SystemC in its interface (so the runtime and
// tests compile without the SystemC headers). SystemC allows one elaboration per process, so there
// is one elaborated chip per process: the first instance() call elaborates it for a mesh size and
// the SystemC parameters; afterwards load() swaps networks (any image whose mesh fits) and
// reset() starts a new trial, without re-elaborating.
//
// The accessors mirror functional::Simulator's, with the same meaning and global neuron order, so
// a caller (a trainer, a test) can hold either one; the values are bit-identical to it for the
// same network, ops, inputs and seed.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "hw_model/learning/eligibility_owner.hpp"
#include "hw_model/model/recording.hpp"
#include "hw_model/image/chip_image.hpp"
#include "hw_model/systemc/params.hpp"
#include "hw_model/systemc/etu_unit.hpp"
#include "hw_model/systemc/stats.hpp"

namespace nchip::systemc {

class TimedChip {
 public:
  // Elaborates on the first call (mesh width x height: the largest image mesh this process will
  // load; `params` fixes the FIFO depth and the trace). Later calls return the same chip and
  // ignore their arguments.
  static TimedChip& instance(uint32_t mesh_width, uint32_t mesh_height, const SystemcParams& params = {});
  static TimedChip* existing();  // the elaborated chip, or null before the first instance()

  // The placement (slices, routing tables, chip description, host tile) comes from `placement`;
  // the arithmetic state and weights from `network`, which must outlive the load and may be
  // changed between steps (learning): the cores read its weights at every delivery. `ops` counts
  // saturations like the functional simulator's. Throws nchip::InputError when they disagree or
  // the image's mesh does not fit the elaborated one.
  void load(const image::ChipImage& placement, const model::NetworkModel<arith::FixedOps>& network,
            arith::FixedOps ops);
  void reset(uint64_t seed);  // zero state, step 0, `seed` keys the stochastic rounding
  // The spike phase's simulator (params.hpp, NocModel) from the next load() or reset() on.
  void set_noc_model(NocModel model);

  // One step with the inputs x[t] (sorted input indices). `learning` adds the learning-signal and
  // eligibility work of an e-prop step to the step's time (its values are the e-prop engine's).
  void step(const std::vector<uint32_t>& active_inputs, bool learning = false);
  // Times the end-of-batch weight update of every plastic synapse, plus `optimizer_state_words`
  // words of optimizer state per synapse (Lion: 1).
  void end_batch(uint32_t optimizer_state_words = 0);

  // The cores' plasticity engines as the e-prop engine's owner of the full scheme's per-synapse
  // state (EpropEngine::set_eligibility_owner); rebuilt by load().
  learning::EligibilityOwner<arith::FixedOps>& eligibility();
  // Plastic input + recurrent synapses onto image tile `tile`'s neurons (0 for a tile off the image).
  uint64_t plastic_synapses_on(uint32_t tile) const;
  // Replaces image tile `tile`'s C++ eligibility-trace unit by `unit` until the next load (not
  // owned). Throws nchip::InputError for a tile off the image or with no plastic synapses.
  void set_etu_unit(uint32_t tile, EtuUnit* unit);

  uint64_t steps_done() const;
  const std::vector<arith::SpikingState<arith::FixedOps>>& neurons() const;
  const std::vector<arith::Num<arith::FixedOps, arith::Quantity::voltage>>& readouts() const;
  const std::vector<uint32_t>& spikes() const;
  const std::vector<uint32_t>& previous_spikes() const;
  uint64_t synaptic_events() const;  // since the last reset
  const arith::FixedOps& ops() const;
  const model::NetworkModel<arith::FixedOps>& model() const;

  const ChipStats& stats();  // since the last clear_stats (load() clears)
  void clear_stats();
  void close_trace();        // flushes the VCD (also done at process exit)

  ~TimedChip();
  TimedChip(const TimedChip&) = delete;
  TimedChip& operator=(const TimedChip&) = delete;

 private:
  TimedChip(uint32_t mesh_width, uint32_t mesh_height, const SystemcParams& params);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// functional::run_network's twin on the timed chip (loads, resets, runs `steps` steps), each step
// handed to `sink` as it happens (model/recording.hpp), or the whole Recording returned.
void run_network_timed(TimedChip& chip, const image::ChipImage& placement,
                       const model::NetworkModel<arith::FixedOps>& network, arith::FixedOps ops,
                       const model::InputSpikes& inputs, uint32_t steps, uint64_t seed, bool record_voltages,
                       model::RecordingSink& sink);
model::Recording run_network_timed(TimedChip& chip, const image::ChipImage& placement,
                                        const model::NetworkModel<arith::FixedOps>& network,
                                        arith::FixedOps ops, const model::InputSpikes& inputs,
                                        uint32_t steps, uint64_t seed, bool record_voltages);

}  // namespace nchip::systemc
