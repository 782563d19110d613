#include "runtime/cli/options.hpp"

#include "runtime/data/trial_set_h5.hpp"

#include <boost/program_options/parsers.hpp>
#include <boost/program_options/positional_options.hpp>
#include <fmt/core.h>

#include <iostream>

#include "compiler/ir/size_limit.hpp"
#include "compiler/json_reader.hpp"
#include "hw_model/error.hpp"

namespace nchip::runtime {

std::string did_you_mean(const std::string& value, const std::vector<std::string>& choices) {
  const auto best = json_reader::closest_name(value, choices);
  return best ? "; did you mean '" + *best + "'?" : "";
}

void store_command_line(const std::vector<std::string>& args, const boost::program_options::options_description& options,
                        const boost::program_options::positional_options_description& positional,
                        boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> known;
    for (const auto& option : options.options())
      if (!option->long_name().empty()) known.push_back("--" + option->long_name());
    const std::string name = e.get_option_name();
    throw InputError("unrecognised option '" + name + "'" + did_you_mean(name, known));
  }
}

bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& visible,
                        const char* positional_name, boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  po::options_description all;
  all.add(visible);
  po::positional_options_description positional;
  if (positional_name) {
    po::options_description hidden;
    hidden.add_options()(positional_name, po::value<std::string>());
    all.add(hidden);
    positional.add(positional_name, 1);
  }
  store_command_line(args, all, positional, vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return false;
  }
  return true;
}

int64_t bounded(const boost::program_options::variables_map& vm, const std::string& name,
                int64_t lo, int64_t hi) {
  const int64_t value = vm[name].as<int64_t>();
  if (value < lo || value > hi)
    throw InputError(fmt::format("--{}: expected a value in [{}, {}], got {}", name, lo, hi, value));
  return value;
}

uint64_t non_negative(const boost::program_options::variables_map& vm, const std::string& name) {
  return static_cast<uint64_t>(bounded(vm, name, 0, INT64_MAX));
}

uint32_t network_input_count(const ir::Network& network) {
  uint32_t n = 0;
  for (const auto& pop : network.populations)
    if (pop.type == ir::PopulationType::input) n += pop.size;
  return n;
}

Trial load_input(const boost::program_options::variables_map& vm, const ir::Network& network,
                 uint64_t seed) {
  if (vm.count("input") + vm.count("input-task") + vm.count("data") > 1)
    throw InputError("--input, --input-task and --data: give one of them");
  if (vm.count("data")) {
    // A trial of a trial-set file, in file order (whatever its split).
    const std::string path = vm["data"].as<std::string>();
    TrialSet set = read_trial_set(path);
    const uint64_t trial = vm.count("trial") ? non_negative(vm, "trial") : 0;
    if (trial >= set.trials.size())
      throw InputError(fmt::format("--trial {}: {} has trials 0..{}", trial, path, set.trials.size() - 1));
    return std::move(set.trials[static_cast<size_t>(trial)]);
  }
  if (vm.count("input")) return read_spike_file(vm["input"].as<std::string>());
  std::string task_name = vm.count("input-task") ? vm["input-task"].as<std::string>()
                                                 : network.default_input;
  if (task_name.empty()) task_name = "poisson";
  TaskOptions options;
  options.n_inputs = network_input_count(network);
  const auto task = make_task(task_name, options);
  const uint64_t trial = vm.count("trial") ? non_negative(vm, "trial") : 0;
  return task->make_trial(seed, trial);
}

void check_input_width(const Trial& trial, const ir::Network& network, const std::string& where) {
  const uint32_t expected = network_input_count(network);
  if (trial.n_inputs != expected)
    throw InputError(fmt::format("{}: input has {} channels but network '{}' has {} input neurons",
                                 where, trial.n_inputs, network.name, expected));
}

nlohmann::json saturation_json(const arith::SaturationCounts& counts) {
  nlohmann::json out = nlohmann::json::object();
  for (arith::Quantity q : arith::kAllQuantities) out[arith::to_string(q)] = counts[q];
  return out;
}

std::string saturation_text(const arith::SaturationCounts& counts) {
  std::string text;
  for (arith::Quantity q : arith::kAllQuantities) {
    if (counts[q] == 0) continue;
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", arith::to_string(q), counts[q]);
  }
  return text.empty() ? "none" : text;
}

void check_run_length(const ir::Network& network, uint32_t steps, const std::vector<std::vector<uint32_t>>& input_spikes,
                      bool record_voltages, bool keeps_recording) {
  uint64_t neurons = 0, readouts = 0;
  for (const auto& p : network.populations) {
    if (p.type == ir::PopulationType::readout) readouts += p.size;
    else if (p.type != ir::PopulationType::input) neurons += p.size;
  }
  // The input: one vector (24 B) per step and 4 B per spike.
  double bytes = 0;
  for (const auto& step : input_spikes) bytes += 24.0 + 4.0 * static_cast<double>(step.size());
  // A kept recording: per step the output spikes' vector and a few entries, the readouts, and the
  // voltages and CUBA currents as doubles.
  if (keeps_recording)
    bytes += (64.0 + 8.0 * static_cast<double>(readouts) +
              (record_voltages ? 16.0 * static_cast<double>(neurons) : 0.0)) * steps;
  ir::check_memory(bytes, fmt::format("a run of {} steps", steps));
}

}  // namespace nchip::runtime
