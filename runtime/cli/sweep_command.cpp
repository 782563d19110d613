// `nchip sweep SPEC.json --out DIR [--jobs N] [--shard I/K]`: `nchip train` over a grid of
// settings (runtime/sweep/README.md). Every point is checked with train's own parsing before
// anything runs or is written; points run as `nchip train` processes; tables and plots at the end.
#include <boost/program_options.hpp>
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include "hw_model/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/sweep/mpi_gather.hpp"
#include "runtime/sweep/sweep_plots.hpp"
#include "runtime/sweep/sweep_report.hpp"
#include "runtime/sweep/sweep_results.hpp"
#include "runtime/sweep/sweep_runner.hpp"
#include "runtime/sweep/sweep_spec.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

namespace {

// Where an error in a point is reported: a cartesian point that differs from the first point
// in one axis only is that axis value ("axes.lr[2]"), since the first point was accepted.
std::string point_origin(const sweep::SweepSpec& spec, const sweep::SweepPoint& p, const sweep::SweepPoint& first,
                         bool first_ok) {
  if (!spec.cartesian || !first_ok || p.axis_index.empty()) return p.origin;
  size_t differing = 0, axis = 0;
  for (size_t a = 0; a < p.axis_index.size(); ++a)
    if (p.axis_index[a] != first.axis_index[a]) ++differing, axis = a;
  if (differing != 1) return p.origin;
  return fmt::format("axes.{}[{}]", spec.axis_names[axis], p.axis_index[axis]);
}

// Every point through train's checks, first the first point, then those one axis value away from
// it, then the rest: the first error names the most specific JSON path.
void check_points(const sweep::SweepSpec& spec) {
  std::vector<size_t> order(spec.points.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto& first = spec.points.front();
  auto distance = [&](size_t i) {
    size_t d = 0;
    for (size_t a = 0; a < spec.points[i].axis_index.size(); ++a) d += spec.points[i].axis_index[a] != first.axis_index[a];
    return d;
  };
  std::stable_sort(order.begin() + 1, order.end(), [&](size_t x, size_t y) { return distance(x) < distance(y); });
  std::map<std::string, std::string> warnings;  // text -> first point with it
  std::vector<std::string> warning_order;
  for (size_t k = 0; k < order.size(); ++k) {
    const auto& p = spec.points[order[k]];
    std::vector<std::string> args = p.train_args;
    args.insert(args.end(), {"--out", "(checked only)"});
    const std::string where = point_origin(spec, p, first, true);
    try {
      for (const auto& w : check_train_arguments(args))
        if (warnings.emplace(w, where).second) warning_order.push_back(w);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}: {}", spec.path, where, e.what()));
    } catch (const po::error& e) {
      throw InputError(fmt::format("{}: {}: {}", spec.path, where, e.what()));
    }
  }
  for (const auto& w : warning_order) fmt::print(stderr, "nchip sweep: warning: {} (first at {})\n", w, warnings[w]);
}

void parse_shard(const std::string& text, size_t& index, size_t& count) {
  const size_t slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    size_t used = 0;
    const long i = std::stol(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("trailing");
    const std::string rest = text.substr(slash + 1);
    const long k = std::stol(rest, &used);
    if (used != rest.size() || i < 0 || k < 1 || i >= k) throw std::invalid_argument("range");
    index = static_cast<size_t>(i);
    count = static_cast<size_t>(k);
  } catch (const std::exception&) {
    throw InputError(fmt::format("--shard: expected I/K with 0 <= I < K (e.g. 0/4), got '{}'", text));
  }
}

// The rank and size mpirun gives each process (Open MPI: OMPI_COMM_WORLD_*; MPICH/Hydra and
// other PMI launchers: PMI_RANK/PMI_SIZE). nchip links no MPI library: under `mpirun -np K`
// each process runs shard RANK/K, publishing into the same DIR like --shard.
bool launcher_rank(size_t& rank, size_t& size, std::string& launcher) {
  const std::pair<const char*, const char*> vars[] = {{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                                                      {"PMI_RANK", "PMI_SIZE"}};
  for (const auto& [rank_var, size_var] : vars) {
    const char* r = std::getenv(rank_var);
    const char* n = std::getenv(size_var);
    if (!r || !n) continue;
    const long rv = std::strtol(r, nullptr, 10), nv = std::strtol(n, nullptr, 10);
    if (nv < 2 || rv < 0 || rv >= nv) return false;
    rank = static_cast<size_t>(rv);
    size = static_cast<size_t>(nv);
    launcher = rank_var;
    return true;
  }
  return false;
}

// Holds DIR/.tables.lock (flock) while a process reads every point's results and writes the
// tables: processes sharing DIR (shards, mpirun ranks) publish their points before they take it,
// so the last one to take it sees every point and the final tables are complete.
struct TablesLock {
  int fd;
  explicit TablesLock(const std::string& dir) : fd(::open((dir + "/.tables.lock").c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd >= 0) ::flock(fd, LOCK_EX);
  }
  ~TablesLock() {
    if (fd >= 0) ::close(fd);  // releases the lock
  }
  TablesLock(const TablesLock&) = delete;
  TablesLock& operator=(const TablesLock&) = delete;
};

}  // namespace

int sweep_command_main(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: nchip sweep SPEC.json --out DIR [--jobs N] [--shard I/K]\n"
      "       nchip sweep --report DIR   (smallest widths within 10 % of float; also DIR/report.txt)\n\n"
      "SPEC.json: nchip train options as JSON keys (\"task\", \"mode\", \"iterations\", \"quant\", ...) plus\n"
      "\"axes\": {OPTION or quant.FIELD: [values...]} (cartesian product) or \"points\": [{...}, ...];\n"
      "optional \"criterion\" (metric threshold for 'first iteration below'). See runtime/sweep/README.md.\n\n"
      "options");
  opts.add_options()
      ("help,h", "show this help")
      ("out", po::value<std::string>(), "output directory: points/ID/ per point, sweep.csv, sweep.json, plots/")
      ("jobs", po::value<int64_t>(), "points trained at once, each on one thread (default: the cores)")
      ("shard", po::value<std::string>(), "I/K: run only the points with index % K == I (Slurm job arrays); "
                                          "every shard writes into the same DIR")
      ("report", po::value<std::string>(), "DIR: print the report of a sweep's results (DIR/sweep.json): per task, "
                                           "the smallest widths within 10 % of the float reference")
      ("list", "check the spec and print its points (index, id, axis values); runs and writes nothing")
      ("no-plots", "write the tables only")
      ("quiet", "no progress lines");
  po::variables_map vm;
  if (!parse_command_line(args, opts, "spec", vm)) return 0;
  if (vm.count("report")) {
    if (vm.count("spec") || vm.count("out"))
      throw InputError("--report DIR takes no spec and no --out (usage: nchip sweep --report DIR)");
    fmt::print("{}", sweep::sweep_report_of_dir(vm["report"].as<std::string>()));
    return 0;
  }
  if (!vm.count("spec")) throw InputError("missing spec file (usage: nchip sweep SPEC.json --out DIR)");
  const bool list = vm.count("list") > 0;
  if (!vm.count("out") && !list) throw InputError("--out DIR is required");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  sweep::RunSettings settings;
  settings.jobs = vm.count("jobs") ? static_cast<unsigned>(bounded(vm, "jobs", 1, 4096)) : cores;
  std::string launcher;
  bool gather = false;  // mpirun with MPI built in: rank 0 gathers the points and writes the tables
  if (vm.count("shard")) {
    parse_shard(vm["shard"].as<std::string>(), settings.shard_index, settings.shard_count);
  } else if (launcher_rank(settings.shard_index, settings.shard_count, launcher)) {
    gather = sweep::mpi_built_in();
    fmt::print("nchip sweep: rank {} of {} ({}): shard {}/{}{}\n", settings.shard_index, settings.shard_count, launcher,
               settings.shard_index, settings.shard_count,
               gather ? "; rank 0 gathers (MPI)" : "; nchip built without MPI: every rank writes the tables into DIR");
  }
  settings.quiet = vm.count("quiet") > 0;
  if (!list) settings.out_dir = vm["out"].as<std::string>();
  settings.nchip_exe = std::filesystem::read_symlink("/proc/self/exe").string();

  const po::options_description train_opts = train_options_description();
  const sweep::SweepSpec spec = sweep::read_sweep_spec(vm["spec"].as<std::string>(), [&](const std::string& name) {
    return train_opts.find_nothrow(name, false) != nullptr;
  });
  check_points(spec);  // nothing is written before every point passed
  if (list) {
    for (const auto& p : spec.points) fmt::print("{} {} {}\n", p.index, p.id, sweep::describe_axes(spec, p));
    fmt::print("{} points\n", spec.points.size());
    return 0;
  }

  std::error_code ec;
  std::filesystem::create_directories(settings.out_dir, ec);
  if (ec) throw InputError(fmt::format("--out {}: cannot create directory: {}", settings.out_dir, ec.message()));
  std::vector<sweep::PointResult> results;
  auto outcome = sweep::run_points(spec, settings, results);
  if (gather) {
    const auto g = sweep::gather_points_to_rank0(spec, settings.out_dir, outcome);
    if (g.rank != 0) {  // rank 0 writes the tables; this rank's exit status is its own points'
      if (!settings.quiet) fmt::print("nchip sweep: rank {}: {} points run, sent to rank 0\n", g.rank, outcome.ran);
      return outcome.interrupted ? 130 : outcome.failed > 0 ? 1 : 0;
    }
    if (!settings.quiet)
      fmt::print("nchip sweep: rank 0 gathered {} ranks: {} points run in all, {} failed{}\n", g.ranks, g.total.ran,
                 g.total.failed,
                 g.received ? fmt::format(", {} published from other ranks' files (DIR not shared)", g.received) : "");
    outcome.failed = g.total.failed;
    outcome.interrupted = g.total.interrupted;
  }
  TablesLock lock(settings.out_dir);
  // Read again under the lock: other processes sharing DIR may have published points meanwhile.
  for (const auto& p : spec.points)
    results[p.index] = sweep::read_point_result(sweep::point_dir(settings.out_dir, p), p.criterion);
  sweep::write_tables(spec, results, settings.out_dir);
  size_t present = 0;
  for (const auto& r : results) present += r.present;
  if (!settings.quiet)
    fmt::print("wrote {0}/sweep.csv, {0}/sweep.json{1} ({2} of {3} points have results)\n", settings.out_dir,
               spec.has_seed_axis() ? fmt::format(", {}/summary.csv", settings.out_dir) : "", present,
               spec.points.size());
  if (present > 0) {
    const std::string report = settings.out_dir + "/report.txt";
    write_file_atomically(report, sweep::sweep_report_of_dir(settings.out_dir));
    if (!settings.quiet) fmt::print("wrote {} (nchip sweep --report {})\n", report, settings.out_dir);
  }
  if (!vm.count("no-plots") && present > 0) {
    const std::string gnuplot = sweep::find_gnuplot();
    if (gnuplot.empty()) {
      fmt::print("plots: gnuplot not found (apt-get install gnuplot-nox); tables written without plots\n");
    } else {
      try {
        const auto files = sweep::plot_sweep(spec, results, settings.out_dir, gnuplot);
        if (!settings.quiet)
          fmt::print("plots: {} figures (PNG and SVG) in {}/plots\n", files.size() / 2, settings.out_dir);
      } catch (const InputError& e) {
        fmt::print(stderr, "nchip sweep: warning: plots not drawn: {}\n", e.what());
      }
    }
  }
  if (outcome.interrupted) {
    fmt::print(stderr, "nchip sweep: interrupted; run the same command again to finish the missing points\n");
    return 130;
  }
  if (outcome.failed > 0) {
    fmt::print(stderr, "nchip sweep: {} points failed (their logs were printed above); rerun to retry them\n",
               outcome.failed);
    return 1;
  }
  return 0;
}

int plot_command_main(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: nchip plot DIR\n\ndraws DIR/curve.png and DIR/curve.svg from a nchip train output directory (needs gnuplot)\n\noptions");
  opts.add_options()("help,h", "show this help");
  po::variables_map vm;
  if (!parse_command_line(args, opts, "dir", vm)) return 0;
  if (!vm.count("dir")) throw InputError("missing directory (usage: nchip plot DIR)");
  const std::string dir = vm["dir"].as<std::string>();
  if (!std::filesystem::exists(dir + "/curve.csv"))
    throw InputError(fmt::format("{}: no curve.csv (expected a nchip train --out directory; a sweep's plots are "
                                 "redrawn by running its nchip sweep command again)",
                                 dir));
  const std::string gnuplot = sweep::find_gnuplot();
  if (gnuplot.empty()) throw InputError("gnuplot not found (apt-get install gnuplot-nox)");
  const std::string png = sweep::plot_train_dir(dir, gnuplot);
  fmt::print("wrote {} and {}.svg\n", png, png.substr(0, png.size() - 4));
  return 0;
}

}  // namespace nchip::runtime
