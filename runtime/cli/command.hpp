// The nchip CLI is a list of subcommands; each parses its own options (Boost.Program_options)
// and returns an exit code. Errors travel as exceptions and are turned into exit codes in main:
// nchip::InputError and option errors -> 2 with one line, anything else -> 1.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <string>
#include <vector>

#include "runtime/data/fashion_mnist_task.hpp"
#include "runtime/tasks/task.hpp"

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
int eval_command_main(const std::vector<std::string>& args);  // `nchip eval`
int sweep_command_main(const std::vector<std::string>& args);  // `nchip sweep` (runtime/sweep)
int import_command_main(const std::vector<std::string>& args);  // `nchip import` (compiler/nir)
int export_command_main(const std::vector<std::string>& args);  // `nchip export` (compiler/nir)
int plot_command_main(const std::vector<std::string>& args);  // `nchip plot`
int data_command_main(const std::vector<std::string>& args);  // `nchip data` (runtime/data)

// `nchip train`'s options (the table behind its --help; nchip sweep checks spec keys against it).
boost::program_options::options_description train_options_description();
// Its task shape and timing flags are runtime/cli/task_flags.hpp's (shared with eval and data convert).
// --task fashion-mnist's flags (--encoding, --train-images, ...), shared with nchip data convert
// --from-fashion-mnist, and their values (with --recall-steps) as FashionMnistOptions.
boost::program_options::options_description fashion_mnist_options_description();
FashionMnistOptions fashion_mnist_options(const boost::program_options::variables_map& vm);
// Parses and checks `nchip train` arguments exactly as train does (options, network, quant config,
// whether any weight can change) without training or writing anything; throws what train would
// (InputError, boost::program_options::error). Returns train's warnings.
std::vector<std::string> check_train_arguments(const std::vector<std::string>& args);

}  // namespace nchip::runtime
