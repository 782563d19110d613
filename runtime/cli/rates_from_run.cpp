#include "runtime/cli/rates_from_run.hpp"

#include <algorithm>

#include "hw_model/functional/run.hpp"
#include "runtime/cli/run_results.hpp"

namespace nchip::runtime {

compiler::MeasuredActivity measure_activity(const image::ChipImage& image, const model::InputSpikes& input,
                                            uint32_t steps, uint64_t seed) {
  RunCounts counts;  // spikes per spiking neuron, as nchip run counts them
  functional::run_image(image, input, steps, seed, false, counts);
  const auto& net = image.network;
  compiler::MeasuredActivity activity;
  activity.steps = steps;
  activity.spikes_per_source.assign(size_t{net.n_inputs} + net.n_neurons(), 0);
  // Steps past the input's end have no input spikes (run_image treats them so).
  const size_t input_steps = std::min<size_t>(steps, input.size());
  for (size_t t = 0; t < input_steps; ++t)
    for (uint32_t i : input[t])
      if (i < net.n_inputs) ++activity.spikes_per_source[i];
  for (uint32_t j = 0; j < net.n_neurons() && j < counts.spikes_per_neuron.size(); ++j)
    activity.spikes_per_source[size_t{net.n_inputs} + j] = counts.spikes_per_neuron[j];
  return activity;
}

}  // namespace nchip::runtime
