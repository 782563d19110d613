// `nchip compile --rates-from-run STEPS` (issue #16): run a compiled image on the functional model
// and count every source neuron's spikes, for placement at measured rates. It lives in the runtime
// because the compiler must not include a chip model (layers point down only).
#pragma once

#include <cstdint>

#include "compiler/measured_activity.hpp"
#include "hw_model/image/chip_image.hpp"
#include "hw_model/model/recording.hpp"

namespace nchip::runtime {

// The spikes of every input (from `input`, the steps the run saw) and every spiking neuron (from
// the functional model) in `steps` steps of `image` with `seed` (stochastic rounding), as
// `nchip run IMAGE` would run it: the same input and seed give the same counts.
compiler::MeasuredActivity measure_activity(const image::ChipImage& image, const model::InputSpikes& input,
                                            uint32_t steps, uint64_t seed);

}  // namespace nchip::runtime
