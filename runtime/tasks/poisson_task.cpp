#include "runtime/tasks/poisson_task.hpp"

#include <fmt/core.h>

#include "hw_model/error.hpp"
#include "runtime/tasks/trial_random.hpp"

namespace nchip::runtime {

PoissonTask::PoissonTask(uint32_t n_inputs, uint32_t steps, double rate_hz)
    : n_inputs_(n_inputs), steps_(steps), rate_hz_(rate_hz) {
  if (steps == 0) throw InputError("task 'poisson': steps must be at least 1");
  const double p = detail::spike_probability(rate_hz, kTaskDtMs);
  if (!(p >= 0.0 && p <= 1.0))
    throw InputError(fmt::format("task 'poisson': rate_hz = {} outside [0, {}]", rate_hz,
                                 1000.0 / kTaskDtMs));
}

Trial PoissonTask::make_trial(uint64_t seed, uint64_t trial_index) const {
  const uint64_t key = detail::trial_seed(seed, trial_index);
  const double p = detail::spike_probability(rate_hz_, kTaskDtMs);
  Trial t;
  t.steps = steps_;
  t.n_inputs = n_inputs_;
  t.n_outputs = 0;
  t.input_spikes.resize(steps_);
  for (uint32_t s = 0; s < steps_; ++s)
    detail::append_bernoulli_spikes(t.input_spikes[s], key, detail::kStreamPoissonSpike, 0,
                                    n_inputs_, s, p);
  t.target_mask.assign(steps_, 0);  // no target: nothing to learn, no error anywhere
  return t;
}

}  // namespace nchip::runtime
