// Runs the built `nchip` binary from a test and captures its exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nchip::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh scratch directory per test name, under the build tree.
inline std::string scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::path(NCHIP_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string source_path(const std::string& relative) {
  return std::string(NCHIP_SOURCE_DIR) + "/" + relative;
}

// `args` is appended to the binary path as shell words (quote paths with spaces yourself).
inline CliResult run_nchip(const std::string& args, const std::string& scratch) {
  const std::string out = scratch + "/stdout.txt", err = scratch + "/stderr.txt";
  const std::string command = std::string(NCHIP_BINARY_DIR) + "/nchip " + args + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// curve.csv of nchip train without its wall-time columns ("seconds" and the per-phase "*_s"), so
// two runs that must learn the same can be compared byte for byte.
inline std::string curve_without_times(const std::string& csv) {
  std::istringstream in(csv);
  std::string line, out;
  std::vector<bool> keep;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cs(line);
    for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
    if (keep.empty())
      for (const auto& c : cells) keep.push_back(c != "seconds" && (c.size() < 2 || c.substr(c.size() - 2) != "_s"));
    for (size_t i = 0; i < cells.size() && i < keep.size(); ++i)
      if (keep[i]) out += cells[i] + ",";
    out += "\n";
  }
  return out;
}

inline int line_count(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace nchip::test
