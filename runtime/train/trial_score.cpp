#include "runtime/train/trial_score.hpp"

#include <cmath>

namespace nchip::runtime {

TrialScore& TrialScore::operator+=(const TrialScore& o) {
  loss += o.loss;
  squared_error += o.squared_error;
  target_variance += o.target_variance;
  recalls += o.recalls;
  recall_errors += o.recall_errors;
  return *this;
}

TrialScorer::TrialScorer(const Trial& trial)
    : trial_(trial),
      target_sum_(trial.n_outputs, 0.0),
      target_sq_sum_(trial.n_outputs, 0.0),
      window_sum_(trial.label_windows.size() * trial.n_outputs, 0.0) {}

void TrialScorer::add_step(uint32_t t, const std::vector<double>& y) {
  const uint32_t K = trial_.n_outputs;
  for (size_t w = 0; w < trial_.label_windows.size(); ++w)
    if (t >= trial_.label_windows[w].first && t < trial_.label_windows[w].second)
      for (uint32_t k = 0; k < K; ++k) window_sum_[w * K + k] += y[k];
  if (!trial_.target_mask[t]) return;
  ++masked_steps_;
  if (trial_.loss == LossKind::mse) {
    for (uint32_t k = 0; k < K; ++k) {
      const double target = trial_.target_at(t, k);
      const double d = y[k] - target;
      score_.squared_error += d * d;
      score_.loss += 0.5 * d * d;
      target_sum_[k] += target;
      target_sq_sum_[k] += target * target;
    }
  } else {
    double y_max = y[0];
    for (uint32_t k = 1; k < K; ++k) y_max = std::fmax(y_max, y[k]);
    double sum = 0;
    for (uint32_t k = 0; k < K; ++k) sum += std::exp(y[k] - y_max);
    const double log_sum = std::log(sum) + y_max;
    for (uint32_t k = 0; k < K; ++k) score_.loss -= trial_.target_at(t, k) * (y[k] - log_sum);
  }
}

TrialScore TrialScorer::finish() {
  const uint32_t K = trial_.n_outputs;
  if (masked_steps_ > 0)
    for (uint32_t k = 0; k < K; ++k)
      score_.target_variance += target_sq_sum_[k] - target_sum_[k] * target_sum_[k] / masked_steps_;
  for (size_t w = 0; w < trial_.label_windows.size(); ++w) {
    uint32_t best = 0;
    for (uint32_t k = 1; k < K; ++k)
      if (window_sum_[w * K + k] > window_sum_[w * K + best]) best = k;
    ++score_.recalls;
    score_.recall_errors += static_cast<int>(best) != trial_.labels[w];
  }
  return score_;
}

}  // namespace nchip::runtime
