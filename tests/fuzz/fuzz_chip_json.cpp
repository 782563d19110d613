// Chip description JSON (compiler/chip_json): any bytes -> a ChipConfig or one InputError line.
#include "compiler/chip_json.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nchip::fuzz::accept_input_error(
      [&] { nchip::compiler::parse_chip_json(nchip::fuzz::bytes_of(data, size), "chip.json"); });
  return 0;
}
