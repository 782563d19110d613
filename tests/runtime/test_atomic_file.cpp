// Whole-or-nothing writes (runtime/io/atomic_file.hpp), streamed form (issue #16: `nchip compile`
// streams a chip image of gigabytes into it): a write that throws half-way or a stream that fails
// leaves the old file as it was and no temporary file beside it.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"

namespace fs = std::filesystem;
using namespace nchip;

namespace {

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_folder() {
  const fs::path dir = fs::temp_directory_path() / ("nchip_atomic_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

size_t files_in(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a streamed atomic write replaces the file whole or leaves it untouched", "[io]") {
  const fs::path dir = fresh_folder();
  const fs::path file = dir / "net.nchip";
  runtime::write_file_atomically(file.string(), std::string("old"));
  SECTION("streamed content in pieces lands whole") {
    runtime::write_file_atomically(file.string(), [](std::ostream& out) {
      for (int i = 0; i < 1000; ++i) out << "block " << i << '\n';
    });
    std::string expected;
    for (int i = 0; i < 1000; ++i) expected += "block " + std::to_string(i) + "\n";
    CHECK(contents(file) == expected);
    CHECK(files_in(dir) == 1);
  }
  SECTION("a throw half-way leaves the old file and no temporary") {
    CHECK_THROWS_AS(runtime::write_file_atomically(file.string(),
                                                   [](std::ostream& out) {
                                                     out << std::string(100000, 'x');
                                                     throw std::runtime_error("failed half-way");
                                                   }),
                    std::runtime_error);
    CHECK(contents(file) == "old");
    CHECK(files_in(dir) == 1);
  }
  SECTION("a failed stream is one InputError line naming the file, and nothing is replaced") {
    try {
      runtime::write_file_atomically(file.string(), [](std::ostream& out) { out.setstate(std::ios::badbit); });
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).rfind(file.string() + ": cannot write", 0) == 0);
    }
    CHECK(contents(file) == "old");
    CHECK(files_in(dir) == 1);
  }
  fs::remove_all(dir);
}
