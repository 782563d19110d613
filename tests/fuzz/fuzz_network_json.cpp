// Network JSON (compiler/ir/network_json): any bytes -> a network or one InputError line.
#include "compiler/ir/network_json.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nchip::fuzz::accept_input_error([&] { nchip::ir::parse_network_json(nchip::fuzz::bytes_of(data, size), "net.json"); });
  return 0;
}
