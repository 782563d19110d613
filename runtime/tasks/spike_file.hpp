// The spike file: a trial in JSON, for users who bring their own input (and target) instead of a
// generated task, and for dumping a generated trial to look at or replay.
//
//   {"steps": N, "n_inputs": M, "spikes": [[step, input_index], ...],
//    "n_outputs": K, "loss": "mse" | "cross_entropy",   optional, K = 0 and "mse" by default
//    "target": [[K values], ... N rows],                  required iff K > 0
//    "mask": [N values 0/1],                              optional, all 1 by default
//    "labels": [[first_step, last_step, label], ...]}     optional, classification windows
//
// Reading is strict (unknown fields, duplicate spikes, wrong shapes are errors): every problem is
// an nchip::InputError of one line, "PATH: /json/pointer: problem", with "(document)" in place of
// the pointer when the problem is the file as a whole.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/tasks/trial.hpp"

namespace nchip::runtime {

// Upper bound on "steps": 10^7 steps = 2.8 h of chip time at 1 ms, far beyond any experiment, and
// it keeps a tiny file with a huge "steps" from allocating gigabytes before it is rejected.
inline constexpr uint32_t kSpikeFileMaxSteps = 10'000'000;
inline constexpr uint32_t kSpikeFileMaxOutputs = 65'536;

Trial read_spike_file(const std::string& path);
// The same, from text already in memory; `path` only names the source in messages.
Trial parse_spike_file(const std::string& text, const std::string& path);
// Deterministic text (same trial, same bytes) that read_spike_file turns back into an equal Trial
// (doubles are written in shortest round-trip form). Throws std::invalid_argument for a trial
// whose fields disagree (trial_shape_problem) or whose target is not finite: a caller bug.
std::string spike_file_json(const Trial& trial);

}  // namespace nchip::runtime
