// The RTL side of the co-simulation, one clock cycle at a time, independent of how the unit was
// verilated (plain C++ here; the SystemC model has its own testbench in etu_sc_bench.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hw_model/arith/quant_config.hpp"
#include "rtl/cosim/etu_record.hpp"
#include "rtl/cosim/etu_result.hpp"

namespace nchip::rtl {

class EtuDut {
 public:
  struct Cycle {
    bool accepted = false;  // the presented input was taken at this clock edge
    bool produced = false;  // an output was taken at this edge (and written to `out`)
  };
  virtual ~EtuDut() = default;

  // Hold reset for a few cycles; the pipeline is empty and cycle() restarts at 0 afterwards.
  virtual void reset() = 0;
  // One clock cycle: present `in` (nullptr: in_valid low) and out_ready, settle, sample the
  // handshake and outputs as the edge will see them, then clock.
  virtual Cycle step(const EtuRecord* in, bool out_ready, EtuResult& out) = 0;
  virtual uint64_t cycle() const = 0;  // cycles since the end of reset

  // Waveforms (models built with --trace): open a VCD; dumping happens while enabled. Cycle c
  // is dumped at times 10c (inputs settled, clock low) and 10c + 5 (after the rising edge).
  virtual void open_vcd(const std::string& path) = 0;
  virtual void set_vcd_enabled(bool enabled) = 0;
  virtual void close_vcd() = 0;
};

// One plain C++ verilation of etu.sv: its parameters as a QuantConfig (the ETU's formats and
// rounding) and how to build an instance. rtl/CMakeLists.txt lists the -G parameters of each.
struct VerilatedEtuVariant {
  std::string name;
  arith::QuantConfig quant;
  std::function<std::unique_ptr<EtuDut>()> make;
};
const std::vector<VerilatedEtuVariant>& verilated_etu_variants();

// The formats the unit's ports carry (it has no weight, adaptation or gain port): what a variant
// and a record must agree on.
inline constexpr arith::Quantity kEtuPortQuantities[] = {
    arith::Quantity::voltage,     arith::Quantity::decay,           arith::Quantity::pseudo_derivative,
    arith::Quantity::trace,       arith::Quantity::eligibility,     arith::Quantity::learning_signal,
    arith::Quantity::update_accumulator};

// The variant whose rounding and ETU formats (kEtuPortQuantities) equal `quant`'s; nullptr if none.
const VerilatedEtuVariant* find_verilated_etu(const arith::QuantConfig& quant);

// The QuantConfig-default model with the given rounding.
std::unique_ptr<EtuDut> make_verilated_etu(arith::Rounding rounding);

}  // namespace nchip::rtl
