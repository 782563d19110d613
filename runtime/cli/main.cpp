#include <boost/program_options/errors.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <exception>
#include <string>
#include <vector>

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
             "commands:\n");
  for (const auto& c : nchip::runtime::commands()) fmt::print("  {:<10} {}\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> all(argv + 1, argv + argc);
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
