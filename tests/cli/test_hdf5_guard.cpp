// The guard around libhdf5 (compiler/nir/hdf5_guard.hpp): each damaged file of
// tests/fuzz/third_party, on which Debian's libhdf5 1.10.8 itself crashes, hangs or allocates
// gigabytes, gives one line and exit 2 through the CLI within seconds; and the guard's child
// turns each fate (crash, hang, memory, refusal, success) into the promised outcome.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "compiler/nir/hdf5_guard.hpp"
#include "hw_model/error.hpp"
#include "support/cli_runner.hpp"

using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::source_path;

namespace {

bool one_line(const std::string& err) {
  return !err.empty() && err.back() == '\n' && err.find('\n') == err.size() - 1;
}

// `args` names the reproducer as FILE; returns stderr after checking exit 2, one line, < 30 s.
std::string refused_quickly(const std::string& args_before, const std::string& reproducer, const std::string& args_after,
                            const std::string& dir) {
  const std::string file = source_path("tests/fuzz/third_party/" + reproducer);
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_nchip(args_before + " " + file + " " + args_after, dir);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(reproducer << ": exit " << r.exit_code << ", " << seconds << " s, stderr [" << r.err << "]");
  CHECK(r.exit_code == 2);
  CHECK(one_line(r.err));
  CHECK(r.err.find(": error: " + file + ": ") != std::string::npos);  // names the file first
  CHECK(seconds < 30);
  return r.err;
}

nchip::hdf5::FileImage image_named(const std::string& path) { return {path, {}}; }

std::string guard_message(const std::function<void()>& parse, const nchip::hdf5::GuardLimits& limits) {
  try {
    nchip::hdf5::check_parse_in_child(image_named("x.h5"), parse, limits);
  } catch (const nchip::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("damaged HDF5 files that crash or hang libhdf5 1.10.8: one line, exit 2, within seconds") {
  const std::string dir = scratch_dir("hdf5_guard_cli");
  // H5Fopen itself dereferences NULL on this trial set (SIGSEGV without the guard).
  CHECK(refused_quickly("data info", "hdf5_open_segv.h5", "", dir).find("damaged HDF5 file: libhdf5 crashed reading it") !=
        std::string::npos);
  // H5T__conv_vlen runs for more than 10 minutes on this NIR graph without the guard.
  CHECK(refused_quickly("import", "nir_vlen_heap_hang.nir", "-o " + dir + "/hang.json --dt-ms 1 --reset subtract", dir)
            .find("damaged HDF5 file: libhdf5 hung reading it") != std::string::npos);
  CHECK(!std::filesystem::exists(dir + "/hang.json"));
  // A 3.5 GB global-heap collection behind a 27 KB file: refused (by the memory limit, or by
  // libhdf5 itself once its allocation fails) instead of touching gigabytes.
  refused_quickly("import", "nir_vlen_heap_3_5GB.nir", "-o " + dir + "/heap.json --dt-ms 1 --reset subtract", dir);
  CHECK(!std::filesystem::exists(dir + "/heap.json"));
  // libhdf5 reads freed memory in H5Aexists on this one (harmless without sanitizers).
  refused_quickly("data info", "hdf5_uaf_H5Aexists.h5", "", dir);
  // The train command reads trial sets through the same guard.
  refused_quickly("train --data", "hdf5_open_segv.h5",
                  "--net " + source_path("examples/networks/evidence_accumulation_tiny.json") + " --out " + dir + "/run", dir);
  CHECK(!std::filesystem::exists(dir + "/run/trained.json"));
}

TEST_CASE("the HDF5 guard's child: a crash, a hang, too much memory, a refusal and success") {
  const nchip::hdf5::GuardLimits limits{1.0, uint64_t{256} << 20};
  CHECK(guard_message([] { std::raise(SIGSEGV); }, limits) ==
        "x.h5: damaged HDF5 file: libhdf5 crashed reading it (signal 11, " + std::string(strsignal(SIGSEGV)) + ")");
  CHECK(guard_message([] { std::abort(); }, limits).rfind("x.h5: damaged HDF5 file: libhdf5 crashed reading it (signal 6", 0) == 0);
  const auto start = std::chrono::steady_clock::now();
  CHECK(guard_message(
            [] {
              volatile uint64_t spin = 0;
              for (;;) spin = spin + 1;
            },
            limits) == "x.h5: damaged HDF5 file: libhdf5 hung reading it (more than 1 s)");
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10);
  CHECK(guard_message(
            [] {
              std::vector<std::vector<char>> blocks;  // touched, so resident as well as allocated
              for (int i = 0; i < 64; ++i) blocks.emplace_back(size_t{64} << 20, char(1));
            },
            limits) == "x.h5: damaged HDF5 file: libhdf5 needed more than 256 MB reading it");
  CHECK(guard_message([] { throw nchip::InputError("x.h5: /spikes/times: missing dataset"); }, limits) ==
        "x.h5: /spikes/times: missing dataset");
  CHECK(guard_message([] {}, limits).empty());
  // Another exception is the in-process parse's to meet: the guard lets it through.
  CHECK(guard_message([] { throw std::logic_error("a bug"); }, limits).empty());
  // The limits grow with the file: 3 s + 1 s per MB, 1 GB + 32 bytes per byte.
  nchip::hdf5::FileImage eight_mb{"y.h5", std::vector<unsigned char>(size_t{8} << 20)};
  const auto grown = nchip::hdf5::guard_limits_for(eight_mb);
  CHECK(grown.cpu_seconds == 11.0);
  CHECK(grown.memory_bytes == (uint64_t{1} << 30) + 32 * (uint64_t{8} << 20));
}
