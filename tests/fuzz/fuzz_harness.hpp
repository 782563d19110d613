// What every fuzz target shares: the one rule for an outcome (a parser either accepts the input or
// throws nchip::InputError with a one-line message; anything else escaping is a finding) and a
// scratch file for the readers that only take a path (HDF5 trial sets and NIR graphs, the ETU
// record reader, the sweep spec).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "hw_model/error.hpp"

namespace nchip::fuzz {

// Aborts (a libFuzzer crash, with the input saved) when the message breaks the CLI's promise of
// one line: the CLI prints what() as is, so a '\n' or '\r' would split it.
inline void require_one_line(const char* message) {
  if (message[0] == '\0' || std::strpbrk(message, "\n\r") != nullptr) {
    std::fprintf(stderr, "fuzz finding: InputError message is empty or not one line: [%s]\n", message);
    std::abort();
  }
}

// Runs `parse`; an InputError with a one-line message is an accepted outcome. Any other exception
// is left to escape, so libFuzzer reports it (std::terminate -> abort) with the input.
template <class Parse>
void accept_input_error(Parse&& parse) {
  try {
    parse();
  } catch (const InputError& e) {
    require_one_line(e.what());
  }
}

// Aborts with `what` when a round trip (parse -> write -> parse) did not give back the same thing.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz finding: %s\n", what);
    std::abort();
  }
}

inline std::string bytes_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A file holding the input, removed again when the scope ends. One name per process and suffix
// (libFuzzer runs inputs one at a time; -fork/-jobs workers are separate processes), under
// TMPDIR (default /tmp; /dev/shm keeps it in memory).
class ScratchFile {
 public:
  ScratchFile(const std::string& suffix, const uint8_t* data, size_t size) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/nchip-fuzz-" + std::to_string(::getpid()) + suffix;
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) {
      std::fprintf(stderr, "fuzz harness: cannot write %s\n", path_.c_str());
      std::abort();
    }
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The contents of a file the code under test wrote (for byte-for-byte round-trip checks).
inline std::string read_back(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace nchip::fuzz
