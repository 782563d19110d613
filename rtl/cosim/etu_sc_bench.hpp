// The unit verilated to SystemC (Vetu_sc: QuantConfig default formats, nearest rounding), in a
// SystemC testbench that feeds it a stimulus stream and checks every output against
// hw_model/arith, like run_cosim does for the plain C++ model. This header needs no SystemC.
#pragma once

#include <cstdint>
#include <optional>

#include "hw_model/arith/quant_config.hpp"
#include "rtl/cosim/etu_checker.hpp"
#include "rtl/cosim/etu_stimulus.hpp"

namespace nchip::rtl {

struct ScCosimReport {
  uint64_t compared = 0, cycles = 0;
  double seconds = 0.0;
  std::optional<Mismatch> mismatch;
  double updates_per_second() const { return seconds > 0 ? compared / seconds : 0.0; }
};

// The rounding Vetu_sc was verilated with.
arith::Rounding systemc_etu_rounding();

// Elaborates the testbench and simulates until the stream is done or a mismatch. SystemC allows
// one elaboration per process: a second call throws std::logic_error (run each SystemC scenario
// as its own process / CTest entry).
ScCosimReport run_systemc_cosim(EtuSource& source, const arith::QuantConfig& reference,
                                double stall_rate = 0.0, double bubble_rate = 0.0,
                                uint64_t handshake_seed = 1);

}  // namespace nchip::rtl
