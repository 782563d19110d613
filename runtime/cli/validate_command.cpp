// `nchip validate NET.json`: reads a network file with the same reader every command uses (every
// check the reader makes: syntax, keys, types, ranges, population references) without compiling
// it for a chip, and prints a one-line summary. Errors are the reader's one line, exit code 2.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <iostream>

#include "compiler/ir/network_json.hpp"
#include "hw_model/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/nir_options.hpp"
#include "runtime/cli/options.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

namespace {

// "100 input, 10 lif, 10 alif, 2 readout" in the file's population order, types merged.
std::string neuron_text(const ir::Network& net) {
  std::string text;
  for (ir::PopulationType type :
       {ir::PopulationType::input, ir::PopulationType::lif, ir::PopulationType::alif, ir::PopulationType::cuba_lif,
        ir::PopulationType::readout}) {
    uint64_t n = 0;
    for (const auto& p : net.populations)
      if (p.type == type) n += p.size;
    if (n > 0) text += fmt::format("{}{} {}", text.empty() ? "" : ", ", n, ir::to_string(type));
  }
  return text;
}

}  // namespace

int validate_command_main(const std::vector<std::string>& args) {
  po::options_description opts("usage: nchip validate NET.json\n\noptions");
  opts.add_options()("help,h", "show this help");
  add_nir_import_options(opts);  // NET.nir: a NIR graph, imported on the fly
  po::variables_map vm;
  if (!parse_command_line(args, opts, "network", vm)) return 0;
  if (!vm.count("network")) throw InputError("missing network file (usage: nchip validate NET.json)");
  const std::string path = vm["network"].as<std::string>();
  const ir::Network net = read_network_any(path, vm);
  uint64_t synapses = 0, plastic = 0;
  for (const auto& p : net.projections) {
    // A dense projection onto its own source has no self-connections (its zero diagonal).
    const uint64_t diagonal = p.dense && p.source == p.target ? net.find(p.source)->size : 0;
    const uint64_t n = p.dense ? p.weights.size() - diagonal : p.synapses.size();
    synapses += n;
    if (p.plastic) plastic += n;
  }
  fmt::print("{}: valid network '{}': {} populations ({}), {} projections, {} synapses ({} plastic)\n", path,
             net.name, net.populations.size(), neuron_text(net), net.projections.size(), synapses, plastic);
  return 0;
}

}  // namespace nchip::runtime
