// `nchip export NET.json|trained.json|NET.nchip -o MODEL.nir [--discretization euler|exact]`: an nchip
// network (a trained one too) as a NIR graph that snnTorch, Norse and the other NIR tools read.
#include <boost/program_options.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>

#include "compiler/image_network.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/nir/nir_export.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/chip_image.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

int export_command_main(const std::vector<std::string>& args) {
  po::options_description opts("usage: nchip export NET.json|NET.nchip -o MODEL.nir [options]\n\noptions");
  opts.add_options()("help,h", "show this help")("output,o", po::value<std::string>(), "NIR file to write")(
      "discretization", po::value<std::string>()->default_value("euler"),
      "how decays become NIR's (tau, r): euler (tau = dt/(1 - alpha), r = tau/dt, as snnTorch writes it) or exact "
      "(tau = tau_m, r = 1/(1 - alpha))");
  po::variables_map vm;
  if (!parse_command_line(args, opts, "network", vm)) return 0;
  if (!vm.count("network")) throw InputError("missing network file (usage: nchip export NET.json -o MODEL.nir)");
  if (!vm.count("output")) throw InputError("missing -o MODEL.nir (the NIR file to write)");
  nir::ExportOptions options;
  const std::string d = vm["discretization"].as<std::string>();
  if (d == "exact") options.discretization = nir::Discretization::exact;
  else if (d != "euler") throw InputError("--discretization: expected euler or exact, got '" + d + "'");
  const std::string path = vm["network"].as<std::string>();
  // An image holds quantized constants and raw weights: exported as derived back to reals (the
  // network `nchip train --net NET.nchip` writes back into).
  const ir::Network network = image::file_has_image_magic(path)
                                  ? compiler::training_network(image::read_image_file(path)).network
                                  : ir::read_network_file(path);
  const std::string output = vm["output"].as<std::string>();
  // Whole or nothing: HDF5 writes a temporary that is renamed into place.
  const std::string temp = output + ".tmp." + std::to_string(::getpid());
  std::vector<std::string> warnings;
  try {
    warnings = nir::export_nir(network, temp, options);
  } catch (const InputError& e) {
    std::remove(temp.c_str());
    throw InputError(path + ": " + e.what());
  }
  if (std::rename(temp.c_str(), output.c_str()) != 0) {
    std::remove(temp.c_str());
    throw InputError(output + ": cannot write");
  }
  for (const auto& w : warnings) fmt::print(stderr, "nchip export: warning: {}\n", w);
  fmt::print("wrote {} ({} populations, {} projections, discretization {})\n", output, network.populations.size(),
             network.projections.size(), d);
  return 0;
}

}  // namespace nchip::runtime
