// Quant config JSON (compiler/quant_config_json): any bytes -> a QuantConfig or one InputError line.
#include "compiler/quant_config_json.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nchip::fuzz::accept_input_error(
      [&] { nchip::compiler::parse_quant_config_json(nchip::fuzz::bytes_of(data, size), "quant.json"); });
  return 0;
}
