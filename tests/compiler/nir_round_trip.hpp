// The export-then-import round trip the NIR tests share: NET written with one discretization and
// read back with the same one, at NET's own dt.
#pragma once

#include <string>

#include "compiler/nir/nir_export.hpp"
#include "compiler/nir/nir_import.hpp"
#include "support/cli_runner.hpp"

namespace nchip::test {

inline nir::ImportResult export_and_import(const ir::Network& net, const std::string& scratch_name,
                                           nir::Discretization discretization,
                                           nir::ResetMode reset = nir::ResetMode::zero) {
  const std::string path = scratch_dir(scratch_name) + "/net.nir";
  nir::ExportOptions eo;
  eo.discretization = discretization;
  nir::export_nir(net, path, eo);
  nir::ImportOptions io;
  io.discretization = discretization;
  io.dt_ms = net.dt_ms;
  io.reset = reset;
  return nir::import_nir_file(path, io);
}

}  // namespace nchip::test
