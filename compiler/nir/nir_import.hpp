// NIR graph -> nchip network IR. NIR nodes are continuous-time ODEs without dt or reset mode; the
// options below supply them, and the import reports, node by node, what each became.
//
// Mapping (compiler/nir/README.md has the full table):
//  Input -> input population; LIF, IF -> lif population; LI, I -> readout population;
//  Affine, Linear, Scale, Flatten, Delay, nested Input/Output (and chains of them) between two
//  of those -> one projection (weights multiplied along the chain, summed over parallel paths);
//  Affine bias -> readout bias (a lif population has no bias current: refused).
// Discretization of tau dv/dt = (v_leak - v) + r I with the step dt:
//  euler: alpha = 1 - dt/tau, input scale r dt/tau (snnTorch: beta = 1 - dt/tau, r = tau/dt, scale 1;
//         Norse: r = 1, v += dt/tau ((v_leak - v) + I));
//  exact: alpha = exp(-dt/tau), input scale r (1 - alpha) (input held over the step).
//  IF, I (dv/dt = r I): alpha = 1, input scale r dt.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/network.hpp"
#include "compiler/nir/nir_graph.hpp"

namespace nchip::nir {

enum class Discretization { euler, exact };
enum class ResetMode { zero, subtract };

struct ImportOptions {
  std::optional<double> dt_ms;  // required unless the leaky nodes share r = tau/dt (snnTorch's export)
  Discretization discretization = Discretization::euler;
  ResetMode reset = ResetMode::zero;  // NIR's v_reset; nchip's lif implements subtract only
  double time_unit_ms = 1000.0;       // NIR time constants are in seconds (snnTorch, Norse, Rockpool)
  bool drop_self_connections = false; // nchip's recurrent projections have no i -> i synapse
};

// One row of the import table: what a NIR node became.
struct ImportRow {
  std::string node;
  std::string type;
  std::string became;      // "lif population 'lif1' (40)", "projection 'in' -> 'lif1'", ...
  std::string decay;       // alpha / kappa, or "" for non-neurons
  std::string threshold;   // v_th, or ""
  std::string scale;       // input weight scale, or ""
  std::string note;
};

struct ImportResult {
  ir::Network network;
  std::vector<ImportRow> rows;
  std::string dt_note;  // how dt was chosen
};

ImportResult import_nir(const NirGraph& graph, const ImportOptions& options);
ImportResult import_nir_file(const std::string& file_name, const ImportOptions& options);

// The table, one line per row, aligned; for `nchip import`.
std::string import_table(const ImportResult& result);

const char* to_string(Discretization d);
const char* to_string(ResetMode r);

}  // namespace nchip::nir
