// Runs the built `nchip` binary from a test and captures its exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

inline int line_count(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace nchip::test
