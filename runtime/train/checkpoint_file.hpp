// The checkpoint of `nchip train` (DIR/checkpoint.nchip-train): what `nchip train --resume DIR`
// needs to continue the run bit for bit - the run's own arguments, a hash of its input files, and
// the trainer's state (trainer.hpp TrainingState). Binary, little-endian, exact (doubles as their
// bits, fixed-point raw words); the layout is in runtime/train/README.md, "Checkpoint file".
// Written durably: a temporary file in the same folder, fsync, rename, fsync of the folder, so a
// kill -9 or a power cut leaves the previous checkpoint or the new one, never a mixture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/train/trainer.hpp"

namespace nchip::runtime {

inline constexpr char kCheckpointFileName[] = "checkpoint.nchip-train";
inline constexpr uint32_t kCheckpointFormatVersion = 1;

struct Checkpoint {
  std::string nchip_version;      // the version that wrote it (another one is refused)
  std::vector<std::string> args;  // nchip train's arguments, without --out
  std::string working_dir;        // where they were given (relative paths in them)
  uint64_t inputs_hash = 0;       // FNV-1a 64 of the network and the input files it read
  bool finished = false;          // every iteration done and the result files written
  TrainingState state;
};

std::string checkpoint_bytes(const Checkpoint& checkpoint);
// Throws nchip::InputError "PATH: ..." (one line) for a file that is truncated, corrupt (checksum),
// of another format version or not a checkpoint at all.
Checkpoint parse_checkpoint(const std::string& bytes, const std::string& path);

// write_file_durably(path, checkpoint_bytes(checkpoint)).
void write_checkpoint(const std::string& path, const Checkpoint& checkpoint);
Checkpoint read_checkpoint(const std::string& path);

}  // namespace nchip::runtime
