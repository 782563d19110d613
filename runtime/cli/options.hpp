// Helpers shared by the CLI subcommands: checked numeric options, loading the input a network
// is driven with, and printing saturation counts.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/positional_options.hpp>
#include <boost/program_options/variables_map.hpp>
#include <cstdint>
#include <fmt/core.h>
#include <initializer_list>
#include <utility>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/ir/network.hpp"
#include "hw_model/error.hpp"
#include "hw_model/arith/quantity.hpp"
#include "runtime/tasks/spike_file.hpp"
#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

// Parses a subcommand's arguments: `visible` (shown by --help) plus, when `positional_name` is not
// null, one positional argument stored under that name. Returns false after printing --help.
bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& visible,
                        const char* positional_name, boost::program_options::variables_map& vm);

// po::store of a command line; an unknown option becomes an InputError that names the nearest
// known one ("unrecognised option '--stpes'; did you mean '--steps'?").
void store_command_line(const std::vector<std::string>& args, const boost::program_options::options_description& options,
                        const boost::program_options::positional_options_description& positional,
                        boost::program_options::variables_map& vm);

// "; did you mean 'x'?" for a value not among `choices`, or "" when none is close.
std::string did_you_mean(const std::string& value, const std::vector<std::string>& choices);

// The value of an enumerated flag: `value` must be one of `choices`' names, else an InputError
// listing them ("--mode: expected float, fixed, got 'fixd'; did you mean 'fixed'?").
template <class T>
T pick(const std::string& flag, const std::string& value,
       std::initializer_list<std::pair<const char*, T>> choices) {
  std::string expected;
  std::vector<std::string> names;
  for (const auto& [name, v] : choices) {
    if (value == name) return v;
    expected += (expected.empty() ? "" : ", ") + std::string(name);
    names.emplace_back(name);
  }
  throw InputError(fmt::format("--{}: expected {}, got '{}'{}", flag, expected, value, did_you_mean(value, names)));
}


// Integer option within [lo, hi], else InputError naming the flag. (Boost accepts "-1" for
// unsigned types and wraps it, so every count is read signed and checked here.)
int64_t bounded(const boost::program_options::variables_map& vm, const std::string& name,
                int64_t lo, int64_t hi);
uint64_t non_negative(const boost::program_options::variables_map& vm, const std::string& name);

// The input of `nchip run`: --input FILE, else --input-task NAME, else the network's
// default_input, else Poisson spikes; sized to the network's input populations.
Trial load_input(const boost::program_options::variables_map& vm, const ir::Network& network,
                 uint64_t seed);
uint32_t network_input_count(const ir::Network& network);
void check_input_width(const Trial& trial, const ir::Network& network, const std::string& where);

// Refuses (InputError, one line with the figure and the limit, see compiler/ir/size_limit.hpp) a
// run of `steps` steps whose memory would not fit (issue #15 row 12): what a run holds whatever its
// outputs, the input spike trains, and, when `keeps_recording` (--plot draws from the whole run), per
// step the spikes, the readouts and the voltages and currents when recorded. --out and --json stream
// (runtime/cli/run_results.hpp) and cost no memory per step.
void check_run_length(const ir::Network& network, uint32_t steps, const std::vector<std::vector<uint32_t>>& input_spikes,
                      bool record_voltages, bool keeps_recording);

nlohmann::json saturation_json(const arith::SaturationCounts& counts);
std::string saturation_text(const arith::SaturationCounts& counts);

}  // namespace nchip::runtime
