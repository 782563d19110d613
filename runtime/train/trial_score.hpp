// Scoring one trial from its readouts (host side, double precision, for both number systems):
// the loss the learning rule descends, normalized MSE (pattern generation) and recall errors
// (store-recall: the readout with the largest summed output over a recall window is the answer).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/tasks/trial.hpp"

namespace nchip::runtime {

struct TrialScore {
  double loss = 0;  // mse: 1/2 sum_t,k mask (y - y*)^2; cross-entropy: -sum_t mask sum_k pi* log pi
  double squared_error = 0;   // sum over masked steps and outputs of (y - y*)^2
  double target_variance = 0; // sum over outputs of sum_t (y* - mean_t y*)^2, same steps
  uint32_t recalls = 0, recall_errors = 0;

  TrialScore& operator+=(const TrialScore& o);
  double nmse() const { return target_variance > 0 ? squared_error / target_variance : 0.0; }
  double recall_error_rate() const { return recalls ? double(recall_errors) / recalls : 0.0; }
};

class TrialScorer {
 public:
  explicit TrialScorer(const Trial& trial);
  void add_step(uint32_t step, const std::vector<double>& y);  // readouts y^t, in order
  TrialScore finish();

 private:
  const Trial& trial_;
  TrialScore score_;
  std::vector<double> target_sum_, target_sq_sum_;
  uint32_t masked_steps_ = 0;
  std::vector<double> window_sum_;  // [label window * n_outputs + k]
};

}  // namespace nchip::runtime
