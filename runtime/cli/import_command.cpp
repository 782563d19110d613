// `nchip import MODEL.nir -o NET.json [--dt-ms D] [--discretization euler|exact] [--reset subtract|zero]`:
// a NIR graph (snnTorch, Norse, Rockpool, Sinabs, ...) into nchip's network JSON, with a table of
// what each NIR node became (decays, thresholds, weight scale) so the user can check the mapping.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include "compiler/ir/network_json.hpp"
#include "compiler/nir/nir_import.hpp"
#include "hw_model/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/nir_options.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

int import_command_main(const std::vector<std::string>& args) {
  po::options_description opts("usage: nchip import MODEL.nir -o NET.json [options]\n\noptions");
  opts.add_options()("help,h", "show this help")("output,o", po::value<std::string>(), "network JSON to write");
  add_nir_import_options(opts);
  po::variables_map vm;
  if (!parse_command_line(args, opts, "model", vm)) return 0;
  if (!vm.count("model")) throw InputError("missing NIR file (usage: nchip import MODEL.nir -o NET.json)");
  if (!vm.count("output")) throw InputError("missing -o NET.json (the network file to write)");
  const std::string path = vm["model"].as<std::string>();
  const nir::ImportOptions options = nir_import_options(vm);
  const nir::ImportResult result = nir::import_nir_file(path, options);
  const std::string output = vm["output"].as<std::string>();
  write_file_atomically(output, ir::network_to_json(result.network));
  fmt::print("{}: {}; discretization {}, reset {}\n", path, result.dt_note, nir::to_string(options.discretization),
             nir::to_string(options.reset));
  fmt::print("{}", nir::import_table(result));
  fmt::print("wrote {} ({} populations, {} projections)\n", output, result.network.populations.size(),
             result.network.projections.size());
  return 0;
}

}  // namespace nchip::runtime
