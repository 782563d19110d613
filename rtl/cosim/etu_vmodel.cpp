// The plain C++ Verilator models of etu.sv behind the EtuDut interface. One model class per
// rounding mode (the rounding is a module parameter); the drivers are one template.
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <stdexcept>

#include "Vetu_nearest.h"
#include "Vetu_stochastic.h"
#include "Vetu_truncate.h"
#include "Vetu_wide_stochastic.h"
#include "rtl/cosim/etu_dut.hpp"
#include "rtl/cosim/etu_ports.hpp"

namespace nchip::rtl {

using arith::Format;
using arith::Quantity;

namespace {

template <class Model>
class VerilatedEtu : public EtuDut {
 public:
  explicit VerilatedEtu(const arith::QuantConfig& formats)
      : context_(new VerilatedContext), formats_(formats) {
    // Tracing must be allowed before the model is built; it costs nothing until a VCD opens.
    context_->traceEverOn(true);
    model_.reset(new Model(context_.get(), "etu"));
    model_->clk = 0;
    model_->rst = 1;
    model_->in_valid = 0;
    model_->out_ready = 0;
    model_->eval();
  }
  ~VerilatedEtu() override {
    close_vcd();
    model_->final();
  }

  void reset() override {
    model_->rst = 1;
    model_->in_valid = 0;
    for (int i = 0; i < 3; ++i) clock();
    model_->rst = 0;
    cycle_ = 0;
  }

  Cycle step(const EtuRecord* in, bool out_ready, EtuResult& out) override {
    Model& m = *model_;
    m.in_valid = in != nullptr;
    if (in) {
      const auto& q = formats_;
      m.in_addr = etu_address(in->key.index);
      m.in_h = to_port(in->h, q[Quantity::pseudo_derivative]);
      m.in_rho = to_port(in->rho, q[Quantity::decay]);
      m.in_beta = to_port(in->beta, q[Quantity::voltage]);
      m.in_kappa = to_port(in->kappa, q[Quantity::decay]);
      m.in_l = to_port(in->L, q[Quantity::learning_signal]);
      m.in_adaptive = in->adaptive;
      m.in_zbar = to_port(in->zbar, q[Quantity::trace]);
      m.in_eps_a = to_port(in->eps_a, q[Quantity::eligibility]);
      m.in_filtered = to_port(in->filtered, q[Quantity::eligibility]);
      m.in_acc = to_port(in->accumulator, q[Quantity::update_accumulator]);
      m.in_seed = in->key.seed;
      m.in_stream = in->key.stream;
      m.in_index = in->key.index;
      m.in_step = in->key.step;
    }
    m.out_ready = out_ready;
    // Settle with the clock low: in_ready depends combinationally on out_ready.
    m.clk = 0;
    m.eval();
    dump(10 * cycle_);
    Cycle c;
    c.accepted = in != nullptr && m.in_ready;
    c.produced = m.out_valid && out_ready;
    if (c.produced) {
      const auto& q = formats_;
      out.addr = m.out_addr;
      out.eps_a = from_port(m.out_eps_a, q[Quantity::eligibility]);
      out.filtered = from_port(m.out_filtered, q[Quantity::eligibility]);
      out.accumulator = from_port(m.out_acc, q[Quantity::update_accumulator]);
      out.e = from_port(m.out_e, q[Quantity::eligibility]);
      out.sat_eligibility = m.out_sat_elig;
      out.sat_accumulator = m.out_sat_acc;
    }
    m.clk = 1;
    m.eval();
    dump(10 * cycle_ + 5);
    ++cycle_;
    return c;
  }

  uint64_t cycle() const override { return cycle_; }

  void open_vcd(const std::string& path) override {
    close_vcd();
    vcd_.reset(new VerilatedVcdC);
    model_->trace(vcd_.get(), 99);
    vcd_->open(path.c_str());
    if (!vcd_->isOpen()) {
      vcd_.reset();
      throw std::runtime_error(path + ": cannot open VCD file");
    }
  }
  void set_vcd_enabled(bool enabled) override { vcd_enabled_ = enabled; }
  void close_vcd() override {
    if (vcd_) vcd_->close();
    vcd_.reset();
  }

 private:
  void clock() {
    model_->clk = 0;
    model_->eval();
    model_->clk = 1;
    model_->eval();
  }
  void dump(uint64_t time) {
    if (vcd_ && vcd_enabled_) vcd_->dump(time);
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  bool vcd_enabled_ = false;
  arith::QuantConfig formats_;
  uint64_t cycle_ = 0;
};

template <class Model>
VerilatedEtuVariant variant(const std::string& name, const arith::QuantConfig& quant) {
  return {name, quant, [quant] { return std::unique_ptr<EtuDut>(new VerilatedEtu<Model>(quant)); }};
}

arith::QuantConfig with_rounding(arith::QuantConfig q, arith::Rounding rounding) {
  q.rounding = rounding;
  return q;
}

// The -G parameters of "wide_stochastic" in rtl/CMakeLists.txt, as a QuantConfig.
arith::QuantConfig wide_config() {
  arith::QuantConfig q;
  q.rounding = arith::Rounding::stochastic;
  q[Quantity::voltage] = {32, 30, true};
  q[Quantity::decay] = {31, 31, false};
  q[Quantity::pseudo_derivative] = {12, 14, false};
  q[Quantity::trace] = {31, 0, false};
  q[Quantity::eligibility] = {32, 40, true};
  q[Quantity::learning_signal] = {8, 40, true};
  q[Quantity::update_accumulator] = {32, 0, true};
  return q;
}

}  // namespace

const std::vector<VerilatedEtuVariant>& verilated_etu_variants() {
  using arith::Rounding;
  // nearest, truncate, stochastic: etu.sv's default parameters, the QuantConfig defaults that
  // every nchip command uses without --quant (so a `nchip train --record-etu` stream of a run
  // without --quant replays through "nearest").
  static const std::vector<VerilatedEtuVariant> list = {
      variant<Vetu_nearest>("nearest", with_rounding({}, Rounding::nearest)),
      variant<Vetu_truncate>("truncate", with_rounding({}, Rounding::truncate)),
      variant<Vetu_stochastic>("stochastic", with_rounding({}, Rounding::stochastic)),
      variant<Vetu_wide_stochastic>("wide_stochastic", wide_config()),
  };
  return list;
}

const VerilatedEtuVariant* find_verilated_etu(const arith::QuantConfig& quant) {
  for (const auto& v : verilated_etu_variants()) {
    bool same = v.quant.rounding == quant.rounding;
    for (Quantity q : kEtuPortQuantities) same = same && v.quant[q] == quant[q];
    if (same) return &v;
  }
  return nullptr;
}

std::unique_ptr<EtuDut> make_verilated_etu(arith::Rounding rounding) {
  arith::QuantConfig q;
  q.rounding = rounding;
  return find_verilated_etu(q)->make();
}

}  // namespace nchip::rtl
