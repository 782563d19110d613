// The trial-set container: a TrialSet in an HDF5 file (format in runtime/data/README.md).
#pragma once

#include <string>

#include "runtime/data/trial_set.hpp"

namespace nchip::runtime {

inline constexpr int64_t kTrialSetFormatVersion = 1;

// Reads and checks the whole file. Every problem (not HDF5, a missing or extra dataset, a wrong
// dtype or rank, shapes that disagree, an event outside its trial or beyond n_inputs, a label out
// of range, no trials) is an nchip::InputError of one line: "PATH: /hdf5/path: problem".
TrialSet read_trial_set(const std::string& path);

// Writes `set` to PATH.tmp and renames it over PATH: a reader never sees half a file. The bytes
// depend only on the set (no timestamps). Throws std::invalid_argument for a set that
// trial_set_problem refuses (a caller bug), InputError when the file cannot be written.
void write_trial_set(const std::string& path, const TrialSet& set);

}  // namespace nchip::runtime
