#include "runtime/cli/train_resume.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "compiler/ir/network_json.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/checksum.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/cli/version.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

std::vector<std::string> arguments_without_out(const std::vector<std::string>& args,
                                               const po::options_description& options) {
  const po::parsed_options parsed = po::command_line_parser(args).options(options).run();
  std::vector<std::string> kept;
  for (const auto& option : parsed.options)
    if (option.string_key != "out")
      for (const auto& token : option.original_tokens) kept.push_back(token);
  return kept;
}

uint64_t training_inputs_hash(const ir::Network& network, const po::variables_map& vm) {
  image::Fnv1a64 h;
  h.add_string(ir::network_to_json(network));
  for (const char* flag : {"net", "data", "validation-data", "quant", "chip"})
    if (vm.count(flag)) {
      const std::string value = vm[flag].as<std::string>();
      h.add_string(std::string(flag) == "quant" && !value.empty() && value.front() == '{' ? value  // inline JSON
                                                                                        : read_text_file(value));
    }
  return h.value();
}

std::optional<TrainResume> read_resume_request(const std::vector<std::string>& args,
                                               const po::options_description& options) {
  po::variables_map vm;
  store_command_line(args, options, po::positional_options_description{}, vm);
  for (const auto& [name, value] : vm)
    if (!value.defaulted() && name != "resume" && name != "threads" && name != "quiet")
      throw InputError(fmt::format("--{}: a resumed run keeps the options it was started with (in its checkpoint); "
                                   "only --threads and --quiet may be given beside --resume",
                                   name));
  TrainResume r;
  r.dir = std::filesystem::absolute(vm["resume"].as<std::string>()).lexically_normal().string();
  if (!r.dir.empty() && r.dir.back() == '/' && r.dir.size() > 1) r.dir.pop_back();
  const std::string path = r.dir + "/" + kCheckpointFileName;
  if (!std::filesystem::exists(path))
    throw InputError(fmt::format("--resume {}: no {} there (not a nchip train output directory, or one written "
                                 "with --checkpoint-every 0 or --record-etu)",
                                 r.dir, kCheckpointFileName));
  r.checkpoint = read_checkpoint(path);
  if (r.checkpoint.nchip_version != kVersion)
    throw InputError(fmt::format("{}: written by nchip {}, this is nchip {}: resume it with the version that "
                                 "started it",
                                 path, r.checkpoint.nchip_version, kVersion));
  if (!vm["threads"].defaulted())
    r.threads = static_cast<unsigned>(bounded(vm, "threads", 0, 1024));
  r.quiet = vm.count("quiet") > 0;
  if (r.checkpoint.finished) {
    if (!r.quiet)
      fmt::print("{}: the run finished (all {} iterations, results written); nothing to resume\n", r.dir,
                 r.checkpoint.state.iterations_done);
    return std::nullopt;
  }
  std::error_code error;
  std::filesystem::current_path(r.checkpoint.working_dir, error);
  if (error)
    throw InputError(fmt::format("{}: the run was started in {}, which is gone ({}): its relative paths cannot be "
                                 "found",
                                 path, r.checkpoint.working_dir, error.message()));
  return r;
}

void remove_interrupted_writes(const std::string& dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    for (const std::string output : {"curve.csv", "metrics.json", "trained.json", kCheckpointFileName}) {
      const std::string prefix = output + ".tmp.";
      if (name.size() > prefix.size() && name.rfind(prefix, 0) == 0 &&
          name.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
        std::filesystem::remove(entry.path(), error);
    }
  }
}

TestKillHook::TestKillHook() {
  const char* value = std::getenv("NCHIP_TEST_KILL_AT");
  if (!value) return;
  const std::string text = value;
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return;
  stage_ = text.substr(0, colon);
  iteration_ = static_cast<uint32_t>(std::strtoul(text.c_str() + colon + 1, nullptr, 10));
}

void TestKillHook::maybe_kill(const std::string& stage, uint32_t iteration, const std::string& partial_path,
                              const std::function<std::string()>& partial_bytes) const {
  if (stage != stage_ || iteration != iteration_) return;
  if (!partial_path.empty()) {
    const std::string bytes = partial_bytes();
    std::ofstream out(partial_path + ".tmp." + std::to_string(::getpid()), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
    out.flush();
  }
  std::raise(SIGKILL);
}

}  // namespace nchip::runtime
