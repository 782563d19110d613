// `mpirun -np K nchip sweep ...` with nchip built against MPI (Open MPI from libopenmpi-dev, found
// by CMake; optional): after every rank ran its shard of the points, rank 0 gathers them. Each
// rank sends rank 0 the files of its finished points (MPI_Gatherv), rank 0 publishes those it
// does not already see in DIR (ranks on other machines without a shared file system), and the
// outcome counts are summed (MPI_Reduce); then only rank 0 writes the tables and plots.
// MPI is initialised only here, after the points ran: no MPI state exists while the sweep forks
// its `nchip train` children, and MPI is finalised before rank 0 runs gnuplot.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "runtime/sweep/sweep_runner.hpp"
#include "runtime/sweep/sweep_spec.hpp"

namespace nchip::runtime::sweep {

// Whether this nchip was built with MPI (NCHIP_HAVE_MPI).
bool mpi_built_in();

struct GatherOutcome {
  size_t rank = 0, ranks = 1;
  size_t received = 0;   // points rank 0 published from other ranks' files (0 on a shared DIR)
  RunOutcome total;      // summed over the ranks (rank 0); this rank's own elsewhere
};

// Collective over MPI_COMM_WORLD: MPI_Init, the gather described above, MPI_Finalize. `mine` is
// this rank's outcome; the points of shard rank/ranks that are complete in DIR are sent.
// Throws std::runtime_error when nchip was built without MPI.
GatherOutcome gather_points_to_rank0(const SweepSpec& spec, const std::string& out_dir, const RunOutcome& mine);

// The framing of the gathered bytes (tested without MPI): the regular files of each point
// directory as (point id, [(file name, content)]), length-prefixed.
struct PointFiles {
  std::string id;
  std::vector<std::pair<std::string, std::string>> files;
};
std::string pack_points(const std::vector<PointFiles>& points);
std::vector<PointFiles> unpack_points(const std::string& bytes);

// Publishes a gathered point into DIR/points/ID (through a .tmp- directory and a rename, as the
// runner does); false when DIR already has it complete.
bool publish_point_files(const std::string& out_dir, const PointFiles& point);

}  // namespace nchip::runtime::sweep
