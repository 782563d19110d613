// Trial-set HDF5 files (runtime/data), as `nchip train --data` and `nchip data info` read them.
#include "runtime/data/trial_set_h5.hpp"
#include "tests/fuzz/fuzz_harness.hpp"
#include "tests/fuzz/hdf5_ids.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nchip::fuzz::ScratchFile file(".h5", data, size);
  nchip::fuzz::accept_input_error([&] { nchip::runtime::read_trial_set(file.path()); });
  nchip::fuzz::require_hdf5_ids_closed();
  return 0;
}
