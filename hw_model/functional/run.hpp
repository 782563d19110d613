// Runs a network for a number of steps and records what a user looks at: spikes, readouts and
// (optionally) membrane voltages, in real units.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/functional/simulator.hpp"
#include "hw_model/image/chip_image.hpp"
#include "hw_model/model/recording.hpp"

namespace nchip::functional {

using model::InputSpikes;
using model::Recording;

// Steps beyond inputs.size() get no input spikes. Exact: readouts and voltages of a fixed-point
// run are raw * 2^-frac, which double represents without rounding. Each step goes to `sink` as it
// happens (model/recording.hpp); the overload without one returns the whole Recording.
template <class Ops>
void run_network(const model::NetworkModel<Ops>& model, Ops ops, const InputSpikes& inputs, uint32_t steps,
                 uint64_t seed, bool record_voltages, model::RecordingSink& sink);

template <class Ops>
Recording run_network(const model::NetworkModel<Ops>& model, Ops ops, const InputSpikes& inputs,
                      uint32_t steps, uint64_t seed, bool record_voltages) {
  model::RecordingCollector collector;
  run_network(model, ops, inputs, steps, seed, record_voltages, collector);
  return collector.take();
}

extern template void run_network(const model::NetworkModel<arith::FloatOps>&, arith::FloatOps, const InputSpikes&,
                                 uint32_t, uint64_t, bool, model::RecordingSink&);
extern template void run_network(const model::NetworkModel<arith::FixedOps>&, arith::FixedOps, const InputSpikes&,
                                 uint32_t, uint64_t, bool, model::RecordingSink&);

// A chip image run on the functional model with the image's own QuantConfig: bit-identical to
// run_network(lower<FixedOps>(ir, quant), ...) for the IR the image came from.
Recording run_image(const image::ChipImage& image, const InputSpikes& inputs, uint32_t steps, uint64_t seed,
                    bool record_voltages);
void run_image(const image::ChipImage& image, const InputSpikes& inputs, uint32_t steps, uint64_t seed,
               bool record_voltages, model::RecordingSink& sink);

}  // namespace nchip::functional
