// Starting programs (nchip train for a sweep point, gnuplot) as child processes, output to a log.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace nchip::runtime::sweep {

// Starts argv[0] (a path) with `argv`, stdout and stderr to `log` (truncated). The child gets
// SIGKILL when this process dies (PR_SET_PDEATHSIG), so nothing outlives a killed sweep.
pid_t spawn_process(const std::vector<std::string>& argv, const std::string& log);

// spawn_process and wait; returns the exit code (-1 when killed by a signal or not started).
int run_process(const std::vector<std::string>& argv, const std::string& log);

// The last non-empty line of a text file ("(no log)" when unreadable).
std::string last_line_of(const std::string& path);

// `name` found on PATH (an absolute path) or "".
std::string find_on_path(const std::string& name);

}  // namespace nchip::runtime::sweep
