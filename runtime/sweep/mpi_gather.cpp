#include "runtime/sweep/mpi_gather.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/sweep/sweep_results.hpp"

#ifdef NCHIP_HAVE_MPI
#include <mpi.h>
#endif

namespace nchip::runtime::sweep {

namespace fs = std::filesystem;

namespace {

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_string(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

struct Reader {
  const std::string& bytes;
  size_t at = 0;
  uint64_t u64() {
    if (bytes.size() - at < 8) throw std::runtime_error("gathered points: truncated");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
    at += 8;
    return v;
  }
  std::string string() {
    const uint64_t n = u64();
    if (bytes.size() - at < n) throw std::runtime_error("gathered points: truncated");
    std::string s = bytes.substr(at, n);
    at += n;
    return s;
  }
};

}  // namespace

std::string pack_points(const std::vector<PointFiles>& points) {
  std::string out;
  put_u64(out, points.size());
  for (const auto& p : points) {
    put_string(out, p.id);
    put_u64(out, p.files.size());
    for (const auto& [name, content] : p.files) {
      put_string(out, name);
      put_string(out, content);
    }
  }
  return out;
}

std::vector<PointFiles> unpack_points(const std::string& bytes) {
  Reader r{bytes};
  std::vector<PointFiles> points(r.u64());
  for (auto& p : points) {
    p.id = r.string();
    p.files.resize(r.u64());
    for (auto& [name, content] : p.files) {
      name = r.string();
      content = r.string();
    }
  }
  if (r.at != bytes.size()) throw std::runtime_error("gathered points: trailing bytes");
  return points;
}

bool publish_point_files(const std::string& out_dir, const PointFiles& point) {
  const fs::path final_dir = fs::path(out_dir) / "points" / point.id;
  if (fs::exists(final_dir / "metrics.json")) return false;  // a shared DIR: rank 0 sees it already
  for (const auto& [name, content] : point.files)  // names come from a directory listing: no paths
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      throw std::runtime_error("gathered point " + point.id + ": bad file name '" + name + "'");
  const fs::path tmp = fs::path(out_dir) / "points" / fmt::format(".tmp-{}-{}", point.id, ::getpid());
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (const auto& [name, content] : point.files) write_file_atomically((tmp / name).string(), content);
  std::error_code ec;
  fs::rename(tmp, final_dir, ec);
  if (ec) {
    fs::remove_all(tmp);
    if (!fs::exists(final_dir / "metrics.json"))
      throw InputError(fmt::format("{}: cannot publish gathered point: {}", final_dir.string(), ec.message()));
    return false;
  }
  return true;
}

#ifdef NCHIP_HAVE_MPI

bool mpi_built_in() { return true; }

namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

// The files of this rank's finished points (its shard of the spec).
std::string my_points(const SweepSpec& spec, const std::string& out_dir, size_t rank, size_t ranks) {
  std::vector<PointFiles> points;
  for (const auto& p : spec.points) {
    if (p.index % ranks != rank) continue;
    const fs::path dir = point_dir(out_dir, p);
    if (!fs::exists(dir / "metrics.json")) continue;
    PointFiles files{p.id, {}};
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.files.emplace_back(e.path().filename().string(), read_text_file(e.path().string()));
    std::sort(files.files.begin(), files.files.end());
    points.push_back(std::move(files));
  }
  return pack_points(points);
}

}  // namespace

GatherOutcome gather_points_to_rank0(const SweepSpec& spec, const std::string& out_dir, const RunOutcome& mine) {
  check(MPI_Init(nullptr, nullptr), "MPI_Init");
  GatherOutcome g;
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  g.rank = static_cast<size_t>(rank);
  g.ranks = static_cast<size_t>(ranks);

  // Outcome counts, summed on rank 0.
  unsigned long long counts[5] = {mine.ran, mine.skipped, mine.failed, mine.other_shards,
                                 mine.interrupted ? 1ull : 0ull};
  unsigned long long sums[5] = {};
  check(MPI_Reduce(counts, sums, 5, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD), "MPI_Reduce");

  // The points' files: sizes first (MPI_Gather), then the bytes (MPI_Gatherv).
  const std::string bytes = rank == 0 ? pack_points({}) : my_points(spec, out_dir, g.rank, g.ranks);
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) throw std::runtime_error("MPI: a rank's points exceed 2 GiB");
  const int size = static_cast<int>(bytes.size());
  std::vector<int> sizes(rank == 0 ? ranks : 0), offsets(rank == 0 ? ranks : 0);
  check(MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::string all;
  if (rank == 0) {
    size_t total = 0;
    for (int r = 0; r < ranks; ++r) {
      if (total > static_cast<size_t>(INT32_MAX)) throw std::runtime_error("MPI: gathered points exceed 2 GiB");
      offsets[r] = static_cast<int>(total);
      total += static_cast<size_t>(sizes[r]);
    }
    all.resize(total);
  }
  check(MPI_Gatherv(bytes.data(), size, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  MPI_Finalize();

  if (rank == 0) {
    g.total.ran = static_cast<size_t>(sums[0]);
    g.total.skipped = static_cast<size_t>(sums[1]);
    g.total.failed = static_cast<size_t>(sums[2]);
    g.total.other_shards = static_cast<size_t>(sums[3]);
    g.total.interrupted = sums[4] > 0;
    for (int r = 1; r < ranks; ++r)
      for (const auto& p : unpack_points(all.substr(static_cast<size_t>(offsets[r]), static_cast<size_t>(sizes[r]))))
        g.received += publish_point_files(out_dir, p);
  } else {
    g.total = mine;
  }
  return g;
}

#else

bool mpi_built_in() { return false; }

GatherOutcome gather_points_to_rank0(const SweepSpec&, const std::string&, const RunOutcome&) {
  throw std::runtime_error("nchip was built without MPI (install libopenmpi-dev and reconfigure)");
}

#endif

}  // namespace nchip::runtime::sweep
