// The guard around libhdf5 (tests/fuzz/README.md, "HDF5's own faults"): Debian's libhdf5 1.10.8
// crashes (SIGSEGV in H5Fopen), hangs (H5T__conv_vlen for > 10 min) or allocates gigabytes on some
// damaged files, before nchip's reader sees anything it could check. So every HDF5 file nchip
// reads is parsed first in a forked child process under a CPU-time and memory limit; only when the
// child comes back cleanly does the caller parse the same bytes in-process (same library, same
// bytes: same result). One job: run a parse in a child and turn its fate into one line.
#pragma once

#include <cstdint>
#include <functional>

#include "compiler/nir/hdf5_file_image.hpp"

namespace nchip::hdf5 {

// What the child may use while parsing `image`: a CPU time and a resident-memory budget that grow
// with the file (a trial set expands into per-step event lists; a NIR graph into matrices).
struct GuardLimits {
  double cpu_seconds;
  uint64_t memory_bytes;
};
GuardLimits guard_limits_for(const FileImage& image);

// Runs `parse` in a forked child. Returns when the child finished without an error (or failed
// with an exception other than InputError: the in-process parse then meets the same exception).
// Throws InputError with the child's one-line message when the parse refused the file, and
// "PATH: damaged HDF5 file: libhdf5 crashed (signal N) / hung (more than S s of CPU) / needed more
// than M MB reading it" when the child was killed by a signal, ran out of time or of memory.
// The memory limit is RLIMIT_AS in plain builds; under AddressSanitizer (which reserves terabytes
// of virtual memory) it is only the parent watching the child's resident memory.
void check_parse_in_child(const FileImage& image, const std::function<void()>& parse);
void check_parse_in_child(const FileImage& image, const std::function<void()>& parse, const GuardLimits& limits);

}  // namespace nchip::hdf5
