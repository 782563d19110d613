// The nchip CLI is a list of subcommands; each parses its own options (Boost.Program_options)
// and returns an exit code. Errors travel as exceptions and are turned into exit codes in main:
// nchip::InputError and option errors -> 2 with one line, anything else -> 1.
#pragma once

#include <string>
#include <vector>

namespace nchip::runtime {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);  // args after the subcommand name
};

const std::vector<Command>& commands();

int run_command_main(const std::vector<std::string>& args);  // `nchip run`
int train_command_main(const std::vector<std::string>& args);  // `nchip train`
int cosim_command_main(const std::vector<std::string>& args);  // `nchip cosim` (rtl/)
int compile_command_main(const std::vector<std::string>& args);  // `nchip compile`
int inspect_command_main(const std::vector<std::string>& args);  // `nchip inspect`
int validate_command_main(const std::vector<std::string>& args);  // `nchip validate`

}  // namespace nchip::runtime
