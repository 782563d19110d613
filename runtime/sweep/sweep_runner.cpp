#include "runtime/sweep/sweep_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/sweep/child_process.hpp"
#include "runtime/sweep/point_memory.hpp"
#include "runtime/train/checkpoint_file.hpp"

namespace nchip::runtime::sweep {

namespace fs = std::filesystem;

namespace {

volatile sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

// SIGINT and SIGTERM (Ctrl-C, Slurm's time limit) stop the sweep for the lifetime of the run;
// without SA_RESTART so waitpid returns to notice it.
struct StopSignals {
  struct sigaction old_int {}, old_term {};
  StopSignals() {
    g_stop = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
};

// fsync of every file in `dir` and of `dir`: the rename that publishes a point must not reach
// the disk before its contents do.
void sync_dir(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    const int fd = ::open(entry.path().c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

// A point's unfinished training left by a killed or stopped sweep continues from its checkpoint
// (nchip train --resume) when that checkpoint reads back; the SystemC backend's points restart,
// since their cycle and energy columns total the statistics of one process.
bool resumable(const fs::path& tmp, const SweepPoint& p) {
  if (p.settings.value("backend", "") == "systemc") return false;
  const fs::path path = tmp / kCheckpointFileName;
  if (!fs::exists(path)) return false;
  try {
    read_checkpoint(path.string());
    return true;
  } catch (const InputError&) {
    return false;
  }
}

struct Running {
  size_t point;
  fs::path tmp;
  std::chrono::steady_clock::time_point start;
};

}  // namespace

RunOutcome run_points(const SweepSpec& spec, const RunSettings& settings, std::vector<PointResult>& results) {
  RunOutcome outcome;
  const fs::path points_dir = fs::path(settings.out_dir) / "points";
  fs::create_directories(points_dir);
  results.assign(spec.points.size(), PointResult{});

  std::vector<size_t> todo;
  for (const auto& p : spec.points) {
    results[p.index] = read_point_result(point_dir(settings.out_dir, p), p.criterion);
    if (p.index % settings.shard_count != settings.shard_index) {
      ++outcome.other_shards;
    } else if (results[p.index].present) {
      ++outcome.skipped;
    } else {
      todo.push_back(p.index);
    }
  }
  if (!settings.quiet)
    fmt::print("nchip sweep: {} points{}: {} to run, {} already done{}; {} at a time\n", spec.points.size(),
               settings.shard_count > 1 ? fmt::format(" (shard {}/{})", settings.shard_index, settings.shard_count) : "",
               todo.size(), outcome.skipped,
               outcome.other_shards ? fmt::format(", {} in other shards", outcome.other_shards) : "", settings.jobs);
  std::fflush(stdout);

  // Leftovers of the points to run from a killed sweep (.tmp-ID-PID; a point belongs to one shard,
  // so no other live process writes them): one with a good checkpoint becomes this process's
  // .tmp-ID-PID and resumes, the others are removed.
  std::set<size_t> resumed;
  {
    std::map<std::string, size_t> point_of;
    for (size_t i : todo) point_of[spec.points[i].id] = i;
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(points_dir)) {
      const std::string name = entry.path().filename().string();
      const size_t dash = name.rfind('-');
      if (name.rfind(".tmp-", 0) == 0 && dash > 5 && point_of.count(name.substr(5, dash - 5))) stale.push_back(entry.path());
    }
    std::sort(stale.begin(), stale.end());  // the same choice whatever order the directory lists
    for (const auto& path : stale) {
      const std::string name = path.filename().string();
      const SweepPoint& p = spec.points[point_of[name.substr(5, name.rfind('-') - 5)]];
      const fs::path mine = points_dir / fmt::format(".tmp-{}-{}", p.id, ::getpid());
      if (!resumed.count(p.index) && resumable(path, p)) {
        if (path != mine) {
          fs::remove_all(mine);
          fs::rename(path, mine);
        }
        resumed.insert(p.index);
      } else if (path != mine) {
        fs::remove_all(path);
      }
    }
  }
  if (!settings.quiet && !resumed.empty())
    fmt::print("nchip sweep: {} of them continue from their checkpoints\n", resumed.size());
  StopSignals signals;
  std::map<pid_t, Running> running;
  size_t next = 0, finished = 0;
  const auto t0 = std::chrono::steady_clock::now();
  bool forwarded = false;
  while (next < todo.size() || !running.empty()) {
    if (g_stop && !forwarded) {  // a signal sent to the sweep alone reaches its trainings too
      for (const auto& [pid, r] : running) ::kill(pid, SIGINT);
      forwarded = true;
    }
    while (!g_stop && next < todo.size() && running.size() < settings.jobs) {
      const SweepPoint& p = spec.points[todo[next++]];
      const fs::path tmp = points_dir / fmt::format(".tmp-{}-{}", p.id, ::getpid());
      fs::create_directories(tmp);
      nlohmann::json point_json = {{"id", p.id}, {"index", p.index}, {"spec", spec.path}, {"settings", p.settings},
                                   {"criterion", p.criterion}};
      nlohmann::json axes = nlohmann::json::object();
      for (size_t a = 0; a < spec.axis_names.size(); ++a) axes[spec.axis_names[a]] = p.axis_values[a];
      point_json["axes"] = axes;
      std::vector<std::string> args = p.train_args;
      args.insert(args.end(), {"--threads", "1", "--quiet", "--out", tmp.string()});
      // The SystemC chip's cycles and energy (sweep.csv's per-iteration columns).
      if (p.settings.value("backend", "") == "systemc")
        args.insert(args.end(), {"--stats", (tmp / "systemc_stats.json").string()});
      point_json["train_args"] = args;
      write_file_atomically((tmp / "point.json").string(), point_json.dump(2) + "\n");
      std::vector<std::string> argv{settings.nchip_exe, "train"};
      if (resumed.count(p.index))  // the same arguments, from the checkpoint
        argv.insert(argv.end(), {"--resume", tmp.string(), "--threads", "1", "--quiet"});
      else
        argv.insert(argv.end(), args.begin(), args.end());
      const pid_t pid = spawn_process(argv, (tmp / "train.log").string());
      running.emplace(pid, Running{p.index, tmp, std::chrono::steady_clock::now()});
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    const auto found = running.find(pid);
    if (found == running.end()) continue;
    const Running r = found->second;
    running.erase(found);
    const SweepPoint& p = spec.points[r.point];
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::exists(r.tmp / "metrics.json");
    if (!ok) {
      if (!g_stop) {
        ++outcome.failed;
        fmt::print(stderr, "nchip sweep: point {} failed ({}): {}\n", p.id,
                   WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status)) : "killed",
                   last_line_of((r.tmp / "train.log").string()));
      }
      // Killed or stopped by a signal (not refused): kept for the next run to resume.
      const bool by_signal = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) >= 128);
      if (!(by_signal && resumable(r.tmp, p))) fs::remove_all(r.tmp);
      continue;
    }
    // Synapse memory per core (its compile onto the point's chip), a file of the point like the rest.
    nlohmann::json memory;
    try {
      memory = point_synapse_memory(p, r.tmp.string());
    } catch (const std::exception& e) {
      memory = {{"error", e.what()}};
    }
    if (!memory.is_null()) write_file_atomically((r.tmp / "synapse_memory.json").string(), memory.dump(2) + "\n");
    sync_dir(r.tmp);
    const fs::path final_dir = point_dir(settings.out_dir, p);
    std::error_code ec;
    fs::rename(r.tmp, final_dir, ec);
    if (ec) {  // finished meanwhile by another process sharing DIR: keep that one
      fs::remove_all(r.tmp);
      if (!fs::exists(final_dir / "metrics.json"))
        throw InputError(fmt::format("{}: cannot publish point: {}", final_dir.string(), ec.message()));
    }
    sync_dir(points_dir);
    results[p.index] = read_point_result(final_dir.string(), p.criterion);
    ++outcome.ran;
    ++finished;
    if (!settings.quiet) {
      const auto& res = results[p.index];
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const size_t left = todo.size() - finished;
      // The overall bar: 20 cells over this process's points (skipped ones count as done).
      const size_t total = todo.size() + outcome.skipped, done = outcome.skipped + finished;
      const size_t cells = total ? done * 20 / total : 20;
      fmt::print("[{}/{}] {}  {} {:.4g}  below {} at {}  {:.1f} s  | {}{} done {}/{}, ETA {}\n", finished, todo.size(),
                 p.id, res.metric_name, res.final_metric, fmt::format("{:g}", p.criterion),
                 res.first_below ? std::to_string(*res.first_below) : "-", seconds, std::string(cells, '#'),
                 std::string(20 - cells, '.'), done, total,
                 clock_text(elapsed / static_cast<double>(finished) * static_cast<double>(left)));
      std::fflush(stdout);
    }
  }
  // A signal after the last point finished loses nothing.
  outcome.interrupted = g_stop && outcome.ran + outcome.failed < todo.size();
  return outcome;
}

}  // namespace nchip::runtime::sweep
