// Host-side optimizers of the float reference: plain SGD, sign SGD (the chip's sign update,
// hw_model/arith/weight_update.hpp) and Adam (Kingma & Ba 2014), over a
// flat vector of parameters (every plastic synapse of the network, in a fixed order).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "hw_model/arith/adafactor_update.hpp"
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

// Adafactor's factored second moment with the chip's rule (hw_model/arith/adafactor_update.hpp) in
// double, exact sqrt: parameter i uses row row_of[i] and column column_of[i] of projection slot
// slot_of[i] (learning::factor_layout, offset per synapse set); no momentum.
class AdafactorOptimizer final : public Optimizer {
 public:
  struct Factors {
    std::vector<uint32_t> row_of, column_of, slot_of;  // per parameter
    std::vector<uint32_t> slot_of_row;                 // per row
    uint32_t rows = 0, columns = 0, slots = 0;
  };
  AdafactorOptimizer(Factors factors, arith::AdamShifts shifts, double floor)
      : f_(std::move(factors)), shifts_(shifts), floor_(floor), R_(f_.rows, 0.0), C_(f_.columns, 0.0) {}
  void update(std::vector<double>& params, const std::vector<double>& grad, double lr) override;
  learning::StateVectors state() const override {
    return {learning::state_vector("adafactor.row", R_), learning::state_vector("adafactor.column", C_),
            learning::state_scalar("adafactor.t", t_)};
  }
  void restore(const learning::StateVectors& saved) override {
    learning::restore_vector(saved, "adafactor.row", R_, R_.size());
    learning::restore_vector(saved, "adafactor.column", C_, C_.size());
    t_ = learning::state_words(saved, "adafactor.t", 1)[0];
  }

 private:
  Factors f_;
  arith::AdamShifts shifts_;
  double floor_;  // each statistic's floor (epsilon^2)
  uint64_t t_ = 0;
  std::vector<double> R_, C_;
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
