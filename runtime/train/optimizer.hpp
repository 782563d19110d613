// Host-side optimizers of the float reference: plain SGD, sign SGD (the chip's sign update,
// hw_model/arith/weight_update.hpp) and Adam (Kingma & Ba 2014), over a
// flat vector of parameters (every plastic synapse of the network, in a fixed order).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "hw_model/arith/lion_update.hpp"
#include "hw_model/learning/state_vectors.hpp"

namespace nchip::runtime {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // params -= step(grad); `lr` is the current (possibly decayed) learning rate, times
  // lr_scale(i) for parameter i (per-projection rate shifts, --lr-shifts).
  virtual void update(std::vector<double>& params, const std::vector<double>& grad, double lr) = 0;
  void set_lr_scales(std::vector<double> scales) { lr_scale_ = std::move(scales); }
  // The state that carries over between updates, as named vectors for checkpoints (none for SGD
  // and sign); restore() throws nchip::InputError when a vector is missing or has another size.
  virtual learning::StateVectors state() const { return {}; }
  virtual void restore(const learning::StateVectors& saved) { (void)saved; }

 protected:
  double lr_scale(size_t i) const { return lr_scale_.empty() ? 1.0 : lr_scale_[i]; }

 private:
  std::vector<double> lr_scale_;  // empty: 1 for every parameter
};

class SgdOptimizer final : public Optimizer {
 public:
  void update(std::vector<double>& params, const std::vector<double>& grad, double lr) override;
};

// params -= lr * sign(grad); a zero gradient leaves its parameter alone.
class SignOptimizer final : public Optimizer {
 public:
  void update(std::vector<double>& params, const std::vector<double>& grad, double lr) override;
};

// Lion with the chip's betas (1 - 2^-shift) and rule, hw_model/arith/lion_update.hpp.
class LionOptimizer final : public Optimizer {
 public:
  explicit LionOptimizer(size_t n, arith::LionBetas betas = {}) : betas_(betas), m_(n, 0.0) {}
  void update(std::vector<double>& params, const std::vector<double>& grad, double lr) override;
  learning::StateVectors state() const override { return {learning::state_vector("lion.m", m_)}; }
  void restore(const learning::StateVectors& saved) override {
    learning::restore_vector(saved, "lion.m", m_, m_.size());
  }

 private:
  arith::LionBetas betas_;
  std::vector<double> m_;
};

class AdamOptimizer final : public Optimizer {
 public:
  AdamOptimizer(size_t n, double beta1, double beta2, double epsilon);
  void update(std::vector<double>& params, const std::vector<double>& grad, double lr) override;
  learning::StateVectors state() const override;
  void restore(const learning::StateVectors& saved) override;

 private:
  double beta1_, beta2_, epsilon_;
  double beta1_power_ = 1.0, beta2_power_ = 1.0;
  std::vector<double> m_, v_;
};

}  // namespace nchip::runtime
