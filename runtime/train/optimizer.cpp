#include "runtime/train/optimizer.hpp"

#include <cmath>

namespace nchip::runtime {

void SgdOptimizer::update(std::vector<double>& params, const std::vector<double>& grad, double lr) {
  for (size_t i = 0; i < params.size(); ++i) params[i] -= lr * lr_scale(i) * grad[i];
}

void SignOptimizer::update(std::vector<double>& params, const std::vector<double>& grad, double lr) {
  for (size_t i = 0; i < params.size(); ++i) {
    const double step = lr * lr_scale(i);
    params[i] -= grad[i] > 0 ? step : grad[i] < 0 ? -step : 0.0;
  }
}

void LionOptimizer::update(std::vector<double>& params, const std::vector<double>& grad, double lr) {
  for (size_t i = 0; i < params.size(); ++i) {
    params[i] -= lr * lr_scale(i) * arith::lion_direction(m_[i], grad[i], betas_);
    m_[i] = arith::lion_momentum(m_[i], grad[i], betas_);
  }
}

void AdafactorOptimizer::update(std::vector<double>& params, const std::vector<double>& grad, double lr) {
  std::vector<double> row_sum(f_.rows, 0.0), column_sum(f_.columns, 0.0), S(f_.slots, 0.0);
  for (size_t i = 0; i < params.size(); ++i) {
    row_sum[f_.row_of[i]] += grad[i] * grad[i];
    column_sum[f_.column_of[i]] += grad[i] * grad[i];
  }
  for (uint32_t r = 0; r < f_.rows; ++r) R_[r] = arith::factor_moment(R_[r], row_sum[r], shifts_);
  for (uint32_t c = 0; c < f_.columns; ++c) C_[c] = arith::factor_moment(C_[c], column_sum[c], shifts_);
  for (uint32_t r = 0; r < f_.rows; ++r) S[f_.slot_of_row[r]] += R_[r];
  const double step = arith::adafactor_bias_corrected_lr(lr, shifts_, ++t_);
  for (size_t i = 0; i < params.size(); ++i)
    params[i] -= step * lr_scale(i) *
                 arith::adafactor_ratio(grad[i], R_[f_.row_of[i]], C_[f_.column_of[i]], S[f_.slot_of[i]], floor_);
}

AdamOptimizer::AdamOptimizer(size_t n, double beta1, double beta2, double epsilon)
    : beta1_(beta1), beta2_(beta2), epsilon_(epsilon), m_(n, 0.0), v_(n, 0.0) {}

void AdamOptimizer::update(std::vector<double>& params, const std::vector<double>& grad, double lr) {
  beta1_power_ *= beta1_;
  beta2_power_ *= beta2_;
  // Bias-corrected step size (Kingma & Ba 2014, Algorithm 1, the "efficient" ordering).
  const double step = lr * std::sqrt(1.0 - beta2_power_) / (1.0 - beta1_power_);
  for (size_t i = 0; i < params.size(); ++i) {
    m_[i] = beta1_ * m_[i] + (1.0 - beta1_) * grad[i];
    v_[i] = beta2_ * v_[i] + (1.0 - beta2_) * grad[i] * grad[i];
    params[i] -= step * lr_scale(i) * m_[i] / (std::sqrt(v_[i]) + epsilon_);
  }
}

learning::StateVectors AdamOptimizer::state() const {
  return {learning::state_vector("adam.m", m_), learning::state_vector("adam.v", v_),
          learning::state_vector("adam.beta_powers", std::vector<double>{beta1_power_, beta2_power_})};
}

void AdamOptimizer::restore(const learning::StateVectors& saved) {
  learning::restore_vector(saved, "adam.m", m_, m_.size());
  learning::restore_vector(saved, "adam.v", v_, v_.size());
  std::vector<double> powers;
  learning::restore_vector(saved, "adam.beta_powers", powers, 2);
  beta1_power_ = powers[0];
  beta2_power_ = powers[1];
}

}  // namespace nchip::runtime
