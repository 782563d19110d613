#include "runtime/cli/nir_options.hpp"

#include <boost/program_options.hpp>

#include <fstream>

#include "compiler/ir/network_json.hpp"
#include "hw_model/error.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

void add_nir_import_options(po::options_description& opts) {
  opts.add_options()
      ("dt-ms", po::value<double>(),
       "NIR: time step in ms (NIR stores none; default: implied by r = tau/dt, snnTorch's export convention; Norse files (r = 1) need it)")
      ("discretization", po::value<std::string>()->default_value("euler"),
       "NIR: euler (alpha = 1 - dt/tau, input scale r dt/tau; what snnTorch and Norse simulate) or exact (alpha = exp(-dt/tau), "
       "input scale r (1 - alpha))")
      ("reset", po::value<std::string>()->default_value("zero"),
       "NIR: zero (v = 0 after a spike, NIR's v_reset = 0) or subtract (v -= v_th, as e-prop and snnTorch's "
       "reset_mechanism='subtract'; the only one nchip train learns); nchip's own export records it per population")
      ("drop-self-connections", "NIR: drop i -> i weights of recurrent matrices (nchip has none) instead of refusing")
      ("time-unit", po::value<std::string>()->default_value("s"),
       "NIR: unit of the file's time constants and delays, s (snnTorch, Norse, Rockpool) or ms");
}

nir::ImportOptions nir_import_options(const po::variables_map& vm) {
  nir::ImportOptions o;
  if (vm.count("dt-ms")) o.dt_ms = vm["dt-ms"].as<double>();
  const std::string d = vm["discretization"].as<std::string>();
  if (d == "euler") o.discretization = nir::Discretization::euler;
  else if (d == "exact") o.discretization = nir::Discretization::exact;
  else throw InputError("--discretization: expected euler or exact, got '" + d + "'");
  const std::string r = vm["reset"].as<std::string>();
  if (r == "zero") o.reset = nir::ResetMode::zero;
  else if (r == "subtract") o.reset = nir::ResetMode::subtract;
  else throw InputError("--reset: expected zero or subtract, got '" + r + "'");
  o.drop_self_connections = vm.count("drop-self-connections") > 0;
  const std::string unit = vm["time-unit"].as<std::string>();
  if (unit == "s") o.time_unit_ms = 1000.0;
  else if (unit == "ms") o.time_unit_ms = 1.0;
  else throw InputError("--time-unit: expected s or ms, got '" + unit + "'");
  return o;
}

bool is_nir_file(const std::string& path) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".nir") == 0) return true;
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  return in.gcount() == 8 && std::string(magic, 8) == std::string("\x89HDF\r\n\x1a\n", 8);
}

void refuse_nir_flags(const std::string& path, const po::variables_map& vm) {
  for (const char* flag : {"dt-ms", "drop-self-connections"})
    if (vm.count(flag)) throw InputError(std::string("--") + flag + ": only for a .nir network, and " + path + " is not one");
  for (const char* flag : {"discretization", "reset", "time-unit"})
    if (vm.count(flag) && !vm[flag].defaulted())
      throw InputError(std::string("--") + flag + ": only for a .nir network, and " + path + " is not one");
}

ir::Network read_network_any(const std::string& path, const po::variables_map& vm) {
  if (is_nir_file(path)) return nir::import_nir_file(path, nir_import_options(vm)).network;
  refuse_nir_flags(path, vm);
  return ir::read_network_file(path);
}

}  // namespace nchip::runtime
