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
