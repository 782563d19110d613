// The golden side of the co-simulation: hw_model/arith's etu_update<FixedOps> on one record.
#pragma once

#include "hw_model/arith/quant_config.hpp"
#include "rtl/cosim/etu_record.hpp"
#include "rtl/cosim/etu_result.hpp"

namespace nchip::rtl {

EtuResult reference_update(const arith::QuantConfig& quant, const EtuRecord& record);

}  // namespace nchip::rtl
