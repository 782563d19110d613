// The framing rank 0 gathers points in (runtime/sweep/mpi_gather), without MPI: round trip,
// truncated input refused, publication into DIR/points/ID only when DIR lacks the point.
#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "runtime/sweep/mpi_gather.hpp"
#include "support/cli_runner.hpp"

namespace fs = std::filesystem;
using nchip::runtime::sweep::PointFiles;
using nchip::runtime::sweep::pack_points;
using nchip::runtime::sweep::publish_point_files;
using nchip::runtime::sweep::unpack_points;

TEST_CASE("gathered points: pack and unpack round trip, truncation refused") {
  const std::string binary("a\0b\xff", 4);
  const std::vector<PointFiles> points = {{"p1-00aa", {{"curve.csv", "iteration,loss\n1,2\n"}, {"train.log", binary}}},
                                          {"p2-00bb", {}}};
  const std::string bytes = pack_points(points);
  const auto back = unpack_points(bytes);
  REQUIRE(back.size() == 2);
  CHECK(back[0].id == "p1-00aa");
  CHECK(back[0].files == points[0].files);
  CHECK(back[1].files.empty());
  CHECK_THROWS_AS(unpack_points(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
  CHECK_THROWS_AS(unpack_points(bytes + "x"), std::runtime_error);
}

TEST_CASE("gathered points: published whole into DIR/points/ID unless DIR has the point") {
  const std::string dir = nchip::test::scratch_dir("sweep_gather_publish");
  fs::create_directories(dir + "/points");
  const PointFiles p{"w8-0123456789", {{"metrics.json", "{\"x\": 1}\n"}, {"curve.csv", "iteration,loss,nmse\n1,2,3\n"}}};
  CHECK(publish_point_files(dir, p));
  CHECK(nchip::test::slurp(dir + "/points/w8-0123456789/metrics.json") == "{\"x\": 1}\n");
  CHECK(nchip::test::slurp(dir + "/points/w8-0123456789/curve.csv") == "iteration,loss,nmse\n1,2,3\n");
  const PointFiles other{"w8-0123456789", {{"metrics.json", "{\"x\": 2}\n"}}};
  CHECK_FALSE(publish_point_files(dir, other));  // already there (a shared DIR): kept as it is
  CHECK(nchip::test::slurp(dir + "/points/w8-0123456789/metrics.json") == "{\"x\": 1}\n");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir + "/points")) entries += e.path().filename().string().front() != '.';
  CHECK(entries == 1);
  CHECK_THROWS_AS(publish_point_files(dir, PointFiles{"w9-0123456789", {{"../evil", "x"}}}), std::runtime_error);
  CHECK_FALSE(fs::exists(dir + "/points/w9-0123456789"));
  CHECK_FALSE(fs::exists(dir + "/evil"));
}
