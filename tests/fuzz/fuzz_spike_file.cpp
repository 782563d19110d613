// Spike files (runtime/tasks/spike_file): any bytes -> a trial or one InputError line.
#include "runtime/tasks/spike_file.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nchip::fuzz::accept_input_error(
      [&] { nchip::runtime::parse_spike_file(nchip::fuzz::bytes_of(data, size), "spikes.json"); });
  return 0;
}
