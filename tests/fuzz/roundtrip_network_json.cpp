// Network JSON round trip: a network the reader accepts is written canonically, read back to an
// equal network, and written again to the same bytes (network_json.hpp's promise).
#include "compiler/ir/network_json.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nchip;
  fuzz::accept_input_error([&] {
    const ir::Network first = ir::parse_network_json(fuzz::bytes_of(data, size), "net.json");
    const std::string written = ir::network_to_json(first);
    const ir::Network second = ir::parse_network_json(written, "written.json");
    fuzz::require(second == first, "network JSON: read(write(n)) != n");
    fuzz::require(ir::network_to_json(second) == written, "network JSON: write is not canonical");
  });
  return 0;
}
