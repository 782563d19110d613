#include <boost/program_options/errors.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "compiler/ir/size_limit.hpp"
#include "hw_model/error.hpp"
#include "hw_model/learning/etu_kernel.hpp"
#include "hw_model/text_check.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/version.hpp"

namespace {

void print_usage() {
  fmt::print("nchip - neuromorphic chip emulator and on-chip e-prop learning toolchain\n\n"
             "usage: nchip <command> [options]   (nchip <command> --help for its options)\n"
             "       nchip --version\n\n"
             "--max-memory SIZE, with any command: refuse a network, trial or run estimated to need more\n"
             "  than SIZE bytes (K/M/G/T suffixes, e.g. 8G; default NCHIP_MAX_MEMORY, else half this\n"
             "  machine's memory)\n\n"
             "commands:\n");
  for (const auto& c : nchip::runtime::commands()) fmt::print("  {:<10} {}\n", c.name, c.summary);
}

// Takes `--max-memory SIZE` / `--max-memory=SIZE` out of the arguments, wherever it stands, and
// makes it the limit of this process and (through NCHIP_MAX_MEMORY) of the processes it starts.
void take_max_memory(std::vector<std::string>& args) {
  const std::string flag = "--max-memory";
  for (size_t i = 0; i < args.size(); ++i) {
    std::string value;
    if (args[i] == flag) {
      if (i + 1 == args.size()) throw nchip::InputError(flag + ": needs a size (e.g. 8G)");
      value = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    } else if (args[i].rfind(flag + "=", 0) == 0) {
      value = args[i].substr(flag.size() + 1);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      continue;
    }
    nchip::ir::set_memory_limit_bytes(nchip::ir::parse_memory_bytes(value, flag), flag);
    ::setenv("NCHIP_MAX_MEMORY", value.c_str(), 1);
    --i;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> all(argv + 1, argv + argc);
  try {
    take_max_memory(all);
  } catch (const nchip::InputError& e) {
    fmt::print(stderr, "nchip: error: {}\n", nchip::escaped_text(e.what()));
    return 2;
  }
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    print_usage();
    return all.empty() ? 2 : 0;
  }
  if (all[0] == "--version" || all[0] == "version") {
    // The instruction set the vectorized eligibility-trace unit runs on this CPU (AVX3 = AVX-512).
    fmt::print("nchip {} (git {}, {} build; ETU kernel {})\n", nchip::runtime::kVersion, nchip::runtime::kGitHash,
               nchip::runtime::kBuildType, nchip::learning::etu_kernel_target());
    return 0;
  }
  for (const auto& c : nchip::runtime::commands()) {
    if (all[0] != c.name) continue;
    const std::vector<std::string> args(all.begin() + 1, all.end());
    try {
      return c.run(args);
    // Messages quote user text (paths, names, flag values): escaped, they stay on one line and
    // send no raw bytes to the terminal.
    } catch (const nchip::InputError& e) {
      fmt::print(stderr, "nchip {}: error: {}\n", c.name, nchip::escaped_text(e.what()));
      return 2;
    } catch (const boost::program_options::error& e) {
      fmt::print(stderr, "nchip {}: error: {} (see nchip {} --help)\n", c.name, nchip::escaped_text(e.what()), c.name);
      return 2;
    } catch (const nlohmann::json::type_error& e) {
      // 316: a string that is not UTF-8 cannot be written as JSON. The readers refuse such names,
      // so what is left is user text such as a path given on the command line.
      if (e.id != 316) {
        fmt::print(stderr, "nchip {}: internal error: {}\n", c.name, nchip::escaped_text(e.what()));
        return 1;
      }
      fmt::print(stderr, "nchip {}: error: a name or path given is not valid UTF-8, so it cannot be written to JSON "
                         "(use UTF-8 names)\n", c.name);
      return 2;
    } catch (const std::exception& e) {
      fmt::print(stderr, "nchip {}: internal error: {}\n", c.name, nchip::escaped_text(e.what()));
      return 1;
    }
  }
  fmt::print(stderr, "nchip: error: unknown command '{}' (see nchip --help)\n", nchip::escaped_text(all[0]));
  return 2;
}
