// An output directory that a failed command does not leave behind (DESIGN.md: nothing half
// written). It creates the directory and any missing parents, and on destruction removes, deepest
// first, those it created that are still empty: a run that fails before writing a file leaves the
// file system as it found it; one that wrote its files keeps them.
#pragma once

#include <filesystem>
#include <string>

namespace nchip::runtime {

class OutputDirectory {
 public:
  // Throws nchip::InputError "FLAG DIR: cannot create directory: reason".
  OutputDirectory(const std::string& dir, const std::string& flag);
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

 private:
  std::filesystem::path dir_;            // without a trailing separator
  std::filesystem::path first_created_;  // outermost directory created here; empty if none
};

}  // namespace nchip::runtime
