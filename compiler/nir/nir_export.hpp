// nchip network IR -> NIR file (the layout nir.write produces: root `version`, `node` NIRGraph
// with `nodes/<name>/` groups and an N x 2 `edges` string array; parameters as float64 arrays).
//  input -> Input; lif -> LIF; readout -> LI; projection SRC -> TGT -> Linear node "SRC_to_TGT"
//  (Affine when it carries a readout's bias); every readout, and every lif population that feeds
// no other population, also gets an Output node "<name>_output".
// The discretization picks how alpha becomes (tau, r): euler writes snnTorch's convention
// (tau = dt / (1 - alpha), r = tau/dt), exact writes tau = tau_m and r = 1 / (1 - alpha); either way the
// input weight scale is 1, so weights are written as they are. Each neuron node also gets
// metadata/nchip_tau_ms and the graph metadata/nchip_dt_ms, which nchip's import uses to restore
// the exact time constants (other tools ignore metadata). A lif's refractory period has no NIR
// parameter: it is written as metadata/nchip_t_ref_ms (nchip's import restores it) and reported in
// the returned warnings. Refused, one line each: ALIF (no NIR primitive), a readout bias with no
// projection to carry it.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/network.hpp"
#include "compiler/nir/nir_import.hpp"

namespace nchip::nir {

struct ExportOptions {
  Discretization discretization = Discretization::euler;
  double time_unit_ms = 1000.0;  // NIR times in seconds
};

// Writes to `file_name` directly (callers wanting atomicity write to a temporary and rename).
std::vector<std::string> export_nir(const ir::Network& network, const std::string& file_name, const ExportOptions& options);

}  // namespace nchip::nir
