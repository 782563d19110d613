// `nchip train --resume DIR` and the checkpoint side of `nchip train` (runtime/train/README.md,
// "Checkpoints and --resume"): which arguments a checkpoint keeps, what identifies the inputs a
// run read, the resume request itself, and a test hook that kills the process at a chosen point.
#pragma once

#include <boost/program_options.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/network.hpp"
#include "runtime/train/checkpoint_file.hpp"

namespace nchip::runtime {

// What `--resume DIR` hands train: the run's checkpoint and the flags allowed beside --resume
// (they change no result: every thread count gives the same bytes).
struct TrainResume {
  std::string dir;  // absolute
  Checkpoint checkpoint;
  std::optional<unsigned> threads;
  bool quiet = false;
};

// `args` without --out (in any spelling boost accepts): what a checkpoint keeps.
std::vector<std::string> arguments_without_out(const std::vector<std::string>& args,
                                               const boost::program_options::options_description& options);

// FNV-1a 64 of the network as trained and of the bytes of the files named by --net, --data,
// --validation-data, --quant and --chip: a resume after one of them changed is refused.
uint64_t training_inputs_hash(const ir::Network& network, const boost::program_options::variables_map& vm);

// Parses `nchip train --resume DIR [--threads N] [--quiet]`; any other option is refused (one
// line). Returns nothing (after printing so) when DIR's run has finished. Throws nchip::InputError
// for a missing, truncated, corrupt or foreign checkpoint. Changes the working directory to the
// one the run was started in (its relative paths), DIR made absolute first.
std::optional<TrainResume> read_resume_request(const std::vector<std::string>& args,
                                               const boost::program_options::options_description& options);

// Removes DIR's temporary files of writes a kill interrupted (NAME.tmp.PID of nchip train's own
// outputs), before a resumed run writes its own.
void remove_interrupted_writes(const std::string& dir);

// NCHIP_TEST_KILL_AT=STAGE:N (tests only): SIGKILL at `stage` of iteration N - "after-curve"
// (curve.csv has row N, the checkpoint is still N-1's), "checkpoint-partial" (half of checkpoint
// N written to its temporary file) or "after-checkpoint". Unset: never.
class TestKillHook {
 public:
  TestKillHook();
  // Kills the process when (stage, iteration) is the one asked for; for "checkpoint-partial",
  // `partial_path`'s temporary file is left with half of `partial_bytes()` written.
  void maybe_kill(const std::string& stage, uint32_t iteration, const std::string& partial_path = {},
                  const std::function<std::string()>& partial_bytes = {}) const;

 private:
  std::string stage_;
  uint32_t iteration_ = 0;
};

}  // namespace nchip::runtime
