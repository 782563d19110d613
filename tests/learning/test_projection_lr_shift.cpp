// Per-projection learning-rate shifts (hw_model/learning/projection_lr_shift.hpp) and the batch
// update unit applying them (batch_update.hpp): exact shifts on a network with fan-ins 20 / 60 /
// 60, the exponent cap, and every synapse of a shifted projection moving by exactly lr_raw >> shift
// in weight LSBs (sign and Lion rules, fixed point).
#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/lower.hpp"
#include "hw_model/learning/batch_update.hpp"
#include "hw_model/learning/projection_lr_shift.hpp"
#include "tests/runtime/train_test_helpers.hpp"

using namespace nchip;
using arith::Quantity;

TEST_CASE("lr shifts: round(log2 sqrt(fan-in / smallest fan-in)), capped by the weight exponent") {
  const ir::Network net = test::small_pattern_network();  // in->rec 20, rec->rec 60, rec->out 60
  arith::SaturationCounts counts;
  const arith::QuantConfig q;
  const auto model = compiler::lower(net, arith::FloatOps{});
  const auto shifts = learning::projection_lr_shifts(model, 0.003, -1);
  REQUIRE(shifts.size() == 3);
  CHECK(shifts[0].fan_in == 20);
  CHECK(shifts[1].fan_in == 59);  // no self-connections
  CHECK(shifts[2].fan_in == 60);
  CHECK(shifts[0].shift == 0);
  CHECK(shifts[1].shift == 1);  // 0.5 log2(59 / 20) = 0.78
  CHECK(shifts[2].shift == 1);
  // Fixed point: the cap keeps lr * 2^-shift >= one weight LSB, 2^(e - 12).
  const auto fixed = compiler::lower(net, arith::FixedOps(q, counts));
  const auto capped = learning::projection_lr_shifts(fixed, 0.003, q[Quantity::weight].frac);
  for (const auto& p : capped) {
    INFO("projection " << p.projection << " exponent " << p.exponent);
    CHECK(p.shift <= 1);
    CHECK(0.003 * std::ldexp(1.0, -p.shift) >= std::ldexp(1.0, p.exponent - 12));
  }
  // For rec->rec (uncapped shift 1): an lr of 1.9 LSB at its exponent leaves no room to shift
  // (0.95 LSB would round to 1 but is below one); 2 LSB allows it.
  const int e_rec = capped[1].exponent;
  CHECK(learning::projection_lr_shifts(fixed, 1.9 * std::ldexp(1.0, e_rec - 12), 12)[1].shift == 0);
  CHECK(learning::projection_lr_shifts(fixed, 2.0 * std::ldexp(1.0, e_rec - 12), 12)[1].shift == 1);
}

TEST_CASE("the batch update unit moves each projection's synapses by lr_raw >> shift LSBs") {
  const ir::Network net = test::small_pattern_network();
  arith::SaturationCounts counts;
  const arith::QuantConfig q;  // nearest update rounding
  const arith::FixedOps ops(q, counts);
  for (auto rule : {learning::BatchRule::sign, learning::BatchRule::lion}) {
    auto model = compiler::lower(net, ops);
    const auto before = model;
    learning::BatchUpdate update;
    update.rule = rule;
    update.lr = 0.003;
    update.lr_shift = {0, 1, 3};  // projections in->rec, rec->rec, rec->out
    learning::BatchOptimizerState state;
    const auto acc = arith::Fx<Quantity::update_accumulator>{-1000};  // every gradient negative: w grows
    CHECK(learning::apply_batch_update(ops, model, update, state, [&](model::SynapseSet, size_t) { return acc; }) == 0);
    const uint32_t lr_raw = arith::learning_rate_raw(0.003);
    for (const auto* pair : {&model.input_synapses, &model.recurrent_synapses, &model.readout_synapses}) {
      const auto& m = *pair;
      const auto& b = pair == &model.input_synapses       ? before.input_synapses
                      : pair == &model.recurrent_synapses ? before.recurrent_synapses
                                                          : before.readout_synapses;
      for (size_t s = 0; s < m.size(); ++s) {
        if (!m.plastic[s]) continue;
        const uint32_t p = m.origin[s].projection;
        const uint32_t shifted = lr_raw >> update.lr_shift[p];
        // sign_step: round(lr_raw * 2^-(24 - 12 + e)) LSBs, nearest.
        const int64_t step = std::llround(std::ldexp(double(shifted), -(24 - 12 + m.exponent[s])));
        INFO("projection " << p << " synapse " << s);
        REQUIRE(m.weight[s].raw - b.weight[s].raw == step);
      }
    }
    if (rule == learning::BatchRule::lion) {
      REQUIRE(state.momentum[1].size() == model.recurrent_synapses.size());
      CHECK(state.momentum[1][0].raw == -8);  // round(-1000 / 128)
    }
  }
}
