#include "rtl/cosim/etu_reference.hpp"

#include "hw_model/arith/eligibility.hpp"

namespace nchip::rtl {

EtuResult reference_update(const arith::QuantConfig& quant, const EtuRecord& record) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(quant, counts);
  auto state = record.state();
  const auto e = arith::etu_update(ops, record.neuron(), arith::Fx<arith::Quantity::trace>{record.zbar},
                                   state, record.key);
  EtuResult r;
  r.addr = etu_address(record.key.index);
  r.eps_a = state.eps_a.raw;
  r.filtered = state.filtered.raw;
  r.accumulator = state.accumulator.raw;
  r.e = e.raw;
  r.sat_eligibility = static_cast<uint32_t>(counts[arith::Quantity::eligibility]);
  r.sat_accumulator = static_cast<uint32_t>(counts[arith::Quantity::update_accumulator]);
  return r;
}

}  // namespace nchip::rtl
