// NIR networks on the command line: the import flags (--dt-ms, --discretization, --reset,
// --drop-self-connections) shared by `nchip import` and every command that takes a network file,
// and the one reader those commands use, which accepts nchip JSON or a .nir file.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <string>

#include "compiler/ir/network.hpp"
#include "compiler/nir/nir_import.hpp"

namespace nchip::runtime {

void add_nir_import_options(boost::program_options::options_description& opts);
nir::ImportOptions nir_import_options(const boost::program_options::variables_map& vm);
// True for a file named *.nir or starting with the HDF5 signature.
bool is_nir_file(const std::string& path);
// A .nir file through the NIR import (with the flags of `vm`), anything else through the JSON
// reader; the NIR flags given for a JSON network are an InputError.
ir::Network read_network_any(const std::string& path, const boost::program_options::variables_map& vm);
// InputError when a NIR flag was given for `path`, which is not a NIR file (a chip image, a JSON network).
void refuse_nir_flags(const std::string& path, const boost::program_options::variables_map& vm);

}  // namespace nchip::runtime
