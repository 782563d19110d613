// Sweep specs (runtime/sweep/sweep_spec), as `nchip sweep SPEC --list` reads them. The real
// predicate is `nchip train`'s option table (runtime/cli, which would pull the whole CLI and the
// SystemC model into the harness); this one accepts every well-formed option name, so the
// fuzzer reaches the expansion of axes and points behind the name check.
#include <cctype>

#include "runtime/sweep/sweep_spec.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

static bool looks_like_option(const std::string& name) {
  if (name.empty()) return false;
  for (const char ch : name)
    if (!std::islower(static_cast<unsigned char>(ch)) && ch != '-') return false;
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nchip::fuzz::ScratchFile file(".sweep.json", data, size);
  nchip::fuzz::accept_input_error([&] { nchip::runtime::sweep::read_sweep_spec(file.path(), looks_like_option); });
  return 0;
}
