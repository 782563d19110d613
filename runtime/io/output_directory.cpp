#include "runtime/io/output_directory.hpp"

#include <fmt/core.h>

#include <system_error>

#include "hw_model/error.hpp"

namespace nchip::runtime {

namespace fs = std::filesystem;

namespace {

fs::path without_trailing_separator(const std::string& dir) {
  fs::path p(dir);
  while (!p.has_filename() && p.has_relative_path()) p = p.parent_path();
  return p;
}

}  // namespace

OutputDirectory::OutputDirectory(const std::string& dir, const std::string& flag)
    : dir_(without_trailing_separator(dir)) {
  std::error_code ec;
  for (fs::path p = dir_; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    first_created_ = p;
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir_, ec);
  if (ec) throw InputError(fmt::format("{} {}: cannot create directory: {}", flag, dir, ec.message()));
}

OutputDirectory::~OutputDirectory() {
  if (first_created_.empty()) return;
  std::error_code ec;
  for (fs::path p = dir_; !p.empty(); p = p.parent_path()) {
    if (!fs::is_empty(p, ec) || ec || !fs::remove(p, ec)) return;
    if (p == first_created_) return;
  }
}

}  // namespace nchip::runtime
