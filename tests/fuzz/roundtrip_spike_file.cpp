// Spike file round trip: a trial the reader accepts is written (spike_file_json), read back to an
// equal trial and written again to the same bytes.
#include "runtime/tasks/spike_file.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nchip;
  fuzz::accept_input_error([&] {
    const runtime::Trial first = runtime::parse_spike_file(fuzz::bytes_of(data, size), "spikes.json");
    const std::string written = runtime::spike_file_json(first);
    const runtime::Trial second = runtime::parse_spike_file(written, "written.json");
    fuzz::require(second == first, "spike file: read(write(t)) != t");
    fuzz::require(runtime::spike_file_json(second) == written, "spike file: write is not canonical");
  });
  return 0;
}
