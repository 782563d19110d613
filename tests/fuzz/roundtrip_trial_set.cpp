// Trial-set round trip: a file the reader accepts is written (write_trial_set), read back to the
// same trials, and written again to the same bytes (the writer stores no timestamps).
#include "runtime/data/trial_set_h5.hpp"
#include "tests/fuzz/fuzz_harness.hpp"
#include "tests/fuzz/hdf5_ids.hpp"

namespace {
bool same_set(const nchip::runtime::TrialSet& a, const nchip::runtime::TrialSet& b) {
  return a.dt_ms == b.dt_ms && a.steps == b.steps && a.n_inputs == b.n_inputs && a.n_outputs == b.n_outputs &&
         a.loss == b.loss && a.trials == b.trials && a.split == b.split;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nchip;
  const fuzz::ScratchFile input(".h5", data, size);
  const fuzz::ScratchFile first_out(".first.h5", nullptr, 0), second_out(".second.h5", nullptr, 0);
  fuzz::accept_input_error([&] {
    const runtime::TrialSet first = runtime::read_trial_set(input.path());
    runtime::write_trial_set(first_out.path(), first);
    const runtime::TrialSet second = runtime::read_trial_set(first_out.path());
    fuzz::require(same_set(first, second), "trial set: read(write(s)) != s");
    runtime::write_trial_set(second_out.path(), second);
    fuzz::require(fuzz::read_back(first_out.path()) == fuzz::read_back(second_out.path()),
                  "trial set: the writer is not deterministic");
  });
  nchip::fuzz::require_hdf5_ids_closed();
  return 0;
}
