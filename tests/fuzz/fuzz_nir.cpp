// NIR graph files (compiler/nir): the HDF5 reader and the import into a network, as
// `nchip import` runs them. The reader takes a path, so the input goes through a scratch file.
#include "compiler/nir/nir_import.hpp"
#include "tests/fuzz/fuzz_harness.hpp"
#include "tests/fuzz/hdf5_ids.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nchip::fuzz::ScratchFile file(".nir", data, size);
  nchip::nir::ImportOptions options;
  // The CLI's --dt-ms 1 --reset subtract: without them most graphs stop at the first LIF node.
  options.dt_ms = 1.0;
  options.reset = nchip::nir::ResetMode::subtract;
  nchip::fuzz::accept_input_error([&] { nchip::nir::import_nir_file(file.path(), options); });
  nchip::fuzz::require_hdf5_ids_closed();
  return 0;
}
