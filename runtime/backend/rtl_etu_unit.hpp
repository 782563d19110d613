// nchip train --backend systemc --rtl-etu CORE: the Verilated RTL eligibility-trace unit (rtl/etu.sv)
// in place of one core's C++ unit. The nchip executable links the plain C++ verilation of the unit
// (nchip cosim's models); Verilator's plain and SystemC runtimes can't share one executable, so the
// unit is the C++-verilated variant whose parameters equal the run's QuantConfig, clocked cycle by
// cycle with its valid/ready handshake from the core's plasticity engine, not the SystemC model.
#pragma once

#include <memory>

#include "hw_model/arith/quant_config.hpp"
#include "hw_model/systemc/etu_unit.hpp"

namespace nchip::runtime {

// Throws nchip::InputError (one line naming the built variants) when no variant has `quant`'s
// formats and rounding, or when nchip was built without the RTL (-DNCHIP_BUILD_RTL=OFF).
std::unique_ptr<systemc::EtuUnit> make_rtl_etu_unit(const arith::QuantConfig& quant);

}  // namespace nchip::runtime
