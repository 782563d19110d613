// NIR graphs in memory (issue #15): the fuzz bytes are decoded into a tree of groups and datasets
// (nir_tree_text.hpp), which nchip's own flattening (read_nir_tree) and import (import_nir) turn into
// a network, as `nchip import` does after libhdf5 has read the file, then into the JSON it writes
// and the table it prints. No libhdf5 and no guarded child: libFuzzer sees the coverage of every
// input and runs thousands per second (fuzz_nir keeps the file path through libhdf5 and the guard).
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "compiler/ir/network_json.hpp"
#include "compiler/ir/size_limit.hpp"
#include "compiler/nir/nir_import.hpp"
#include "tests/fuzz/fuzz_harness.hpp"
#include "tests/fuzz/nir_tree_text.hpp"

// The CLI's memory estimates against 1 GB (nchip --max-memory 1G), inside libFuzzer's 2 GB limit.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nchip::ir::set_memory_limit_bytes(uint64_t{1} << 30, "fuzz_nir_graph");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nchip::fuzz::DecodedNirInput in = nchip::fuzz::decode_nir_tree_text(nchip::fuzz::bytes_of(data, size));
  std::optional<nchip::nir::ImportResult> result;
  nchip::fuzz::accept_input_error(
      [&] { result = nchip::nir::import_nir(nchip::nir::read_nir_tree(in.tree), in.options); });
  if (!result) return 0;
  nchip::nir::import_table(*result);
  // What `nchip import` writes, every later command reads: an accepted import must read back equal.
  const std::string json = nchip::ir::network_to_json(result->network);
  try {
    nchip::fuzz::require(nchip::ir::parse_network_json(json, "imported.json") == result->network,
                         "imported network does not read back equal from its JSON");
  } catch (const nchip::InputError& e) {
    std::fprintf(stderr, "fuzz finding: the network reader refuses what the NIR import accepted: %s\n", e.what());
    std::abort();
  }
  return 0;
}
