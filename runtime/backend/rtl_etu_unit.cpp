#include "runtime/backend/rtl_etu_unit.hpp"

#include <stdexcept>
#include <string>

#include "hw_model/error.hpp"

#if NCHIP_HAVE_RTL
#include "rtl/cosim/etu_dut.hpp"
#endif

namespace nchip::runtime {

#if NCHIP_HAVE_RTL
namespace {

class VerilatedEtuUnit : public systemc::EtuUnit {
 public:
  explicit VerilatedEtuUnit(std::unique_ptr<rtl::EtuDut> dut) : dut_(std::move(dut)) { dut_->reset(); }

  uint64_t run(const arith::FixedOps& ops, const std::vector<systemc::EtuRequest>& batch) override {
    records_.clear();
    for (const auto& r : batch) records_.push_back(rtl::EtuRecord::from(r.neuron, r.zbar, *r.state, r.key));
    // Issue one request per cycle, take one result per cycle (out_ready high); the pipeline is
    // in order, so result n belongs to request n. Each synapse is in the batch once, so no
    // synapse is read while its previous update is still in flight.
    size_t issued = 0, done = 0;
    uint64_t cycles = 0, idle = 0;
    rtl::EtuResult out;
    while (done < batch.size()) {
      const rtl::EtuRecord* in = issued < records_.size() ? &records_[issued] : nullptr;
      const rtl::EtuDut::Cycle c = dut_->step(in, true, out);
      ++cycles;
      if (c.accepted) ++issued;
      if (c.produced) {
        const systemc::EtuRequest& r = batch[done];
        if (out.addr != rtl::etu_address(r.key.index))
          throw std::logic_error("RTL ETU returned address " + std::to_string(out.addr) + " for synapse " +
                                 std::to_string(r.key.index));
        r.state->eps_a.raw = out.eps_a;
        r.state->filtered.raw = out.filtered;
        r.state->accumulator.raw = out.accumulator;
        // The C++ unit counts its saturations into the run's counters; so does the RTL.
        ops.sat->add(arith::Quantity::eligibility, out.sat_eligibility);
        ops.sat->add(arith::Quantity::update_accumulator, out.sat_accumulator);
        ++done;
      }
      idle = c.accepted || c.produced ? 0 : idle + 1;
      if (idle > 100) throw std::logic_error("RTL ETU: no handshake for 100 cycles");
    }
    return cycles;
  }

 private:
  std::unique_ptr<rtl::EtuDut> dut_;
  std::vector<rtl::EtuRecord> records_;
};

}  // namespace

std::unique_ptr<systemc::EtuUnit> make_rtl_etu_unit(const arith::QuantConfig& quant) {
  const rtl::VerilatedEtuVariant* v = rtl::find_verilated_etu(quant);
  if (!v) {
    std::string names;
    for (const auto& b : rtl::verilated_etu_variants()) names += (names.empty() ? "" : ", ") + b.name;
    throw InputError("--rtl-etu: no verilated ETU variant has this run's formats and rounding (" +
                     std::string(arith::to_string(quant.rounding)) + "); built: " + names +
                     " (rtl/README.md: adding a variant)");
  }
  return std::make_unique<VerilatedEtuUnit>(v->make());
}
#else
std::unique_ptr<systemc::EtuUnit> make_rtl_etu_unit(const arith::QuantConfig&) {
  throw InputError("--rtl-etu: this nchip was built without the RTL (-DNCHIP_BUILD_RTL=OFF)");
}
#endif

}  // namespace nchip::runtime
