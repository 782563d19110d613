// ETU record files: the writer the trainer uses, the reader, and a short recorded stream that
// the RTL replays exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "hw_model/error.hpp"
#include "rtl/cosim/etu_cosim.hpp"
#include "rtl/cosim/etu_reference.hpp"

using namespace nchip;
using namespace nchip::rtl;
using arith::Quantity;

namespace {

std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::path(NCHIP_BINARY_DIR) / "test-scratch" / "etu_record";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// A training-like stream: a few ALIF and LIF neurons, their synapses, many steps; the state fed
// back from the reference as the engine would write it to SRAM, written with the trainer's API.
uint64_t record_stream(const std::string& path, const arith::QuantConfig& q, uint32_t steps) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(q, counts);
  const int neurons = 6, synapses = 12;
  std::vector<arith::EtuSynapseState<arith::FixedOps>> state(neurons * synapses);
  std::vector<double> zbar(synapses, 0.0);
  EtuRecordWriter writer(path, q);
  for (uint32_t t = 0; t < steps; ++t) {
    for (int i = 0; i < synapses; ++i)  // presynaptic traces, spikes now and then
      zbar[i] = 0.95 * zbar[i] + ((t * 7 + i * 13) % 17 == 0 ? 1.0 : 0.0);
    for (int j = 0; j < neurons; ++j) {
      arith::EtuNeuronInput<arith::FixedOps> n;
      n.adaptive = j % 2 == 0;
      const bool refractory = (t + j) % 23 < 2;
      n.h = arith::from_real<Quantity::pseudo_derivative>(ops, refractory ? 0.0 : 0.3 * std::fabs(std::sin(t * 0.1 + j)));
      n.rho = arith::from_real<Quantity::decay>(ops, std::exp(-1.0 / 1200.0));
      n.kappa = arith::from_real<Quantity::decay>(ops, std::exp(-1.0 / 20.0));
      n.beta = arith::from_real<Quantity::voltage>(ops, 1.7);
      n.L = arith::from_real<Quantity::learning_signal>(ops, t > steps / 2 ? 0.4 * std::cos(t * 0.05 + j) : 0.0);
      for (int i = 0; i < synapses; ++i) {
        const auto z = arith::from_real<Quantity::trace>(ops, zbar[i]);
        const arith::DrawKey key{77, 3, static_cast<uint32_t>(j * synapses + i), t};
        auto& s = state[j * synapses + i];
        writer.write(n, z, s, key);
        arith::etu_update(ops, n, z, s, key);
      }
    }
  }
  writer.close();
  return writer.count();
}

}  // namespace

TEST_CASE("a short recorded stream replays exactly through the RTL", "[rtl][cosim][record]") {
  for (arith::Rounding rounding : {arith::Rounding::nearest, arith::Rounding::stochastic}) {
    arith::QuantConfig q;
    q.rounding = rounding;
    const std::string path = scratch(std::string("stream_") + arith::to_string(rounding) + ".etu");
    const uint64_t n = record_stream(path, q, 300);
    REQUIRE(n == 300u * 6 * 12);
    REQUIRE(std::filesystem::file_size(path) == kEtuRecordHeaderBytes + n * kEtuRecordBytes);
    EtuRecordReader reader(path);
    REQUIRE(reader.count() == n);
    REQUIRE(reader.quant().rounding == rounding);
    const auto* v = find_verilated_etu(reader.quant());
    REQUIRE(v != nullptr);
    const auto r = run_cosim(v->make, [&] { return make_recorded_source(path, UINT64_MAX); }, q, {});
    INFO((r.mismatch ? describe(*r.mismatch, q) : std::string()));
    REQUIRE(!r.mismatch);
    REQUIRE(r.compared == n);
  }
}

TEST_CASE("record files round-trip every field", "[rtl][record]") {
  arith::QuantConfig q;
  q[Quantity::eligibility] = {20, 12, true};
  q.rounding = arith::Rounding::truncate;
  const std::string path = scratch("roundtrip.etu");
  EtuRecord a;
  a.h = 65535; a.rho = 1; a.beta = -8388608; a.kappa = 16777215; a.L = -32768; a.adaptive = true;
  a.zbar = 12345; a.eps_a = -524288; a.filtered = 524287; a.accumulator = INT32_MIN;
  a.key = {~uint64_t{0}, 0xFFFFFFFFu, 0x12345678u, 0x8000000000000001ULL};
  {
    EtuRecordWriter w(path, q);
    w.write(a);
    w.write(EtuRecord{});
    w.close();
  }
  EtuRecordReader r(path);
  REQUIRE(r.quant().rounding == arith::Rounding::truncate);
  REQUIRE(r.quant()[Quantity::eligibility] == arith::Format{20, 12, true});
  EtuRecord b;
  REQUIRE(r.next(b));
  REQUIRE((b.h == a.h && b.rho == a.rho && b.beta == a.beta && b.kappa == a.kappa && b.L == a.L &&
           b.adaptive && b.zbar == a.zbar && b.eps_a == a.eps_a && b.filtered == a.filtered &&
           b.accumulator == a.accumulator && b.key.seed == a.key.seed &&
           b.key.stream == a.key.stream && b.key.index == a.key.index && b.key.step == a.key.step));
  REQUIRE(r.next(b));
  REQUIRE(!r.next(b));
}

TEST_CASE("bad record files are input errors and an unclosed writer leaves nothing", "[rtl][record]") {
  const std::string path = scratch("bad.etu");
  std::filesystem::remove(path);
  {
    EtuRecordWriter w(path, arith::QuantConfig{});
    w.write(EtuRecord{});
  }  // destroyed without close(): no file at `path`, no temporary left
  REQUIRE(!std::filesystem::exists(path));
  REQUIRE(!std::filesystem::exists(path + ".tmp"));

  REQUIRE_THROWS_AS(EtuRecordReader(scratch("missing.etu")), InputError);
  std::ofstream(path, std::ios::binary) << std::string(100, 'x');  // long enough for a header
  REQUIRE_THROWS_WITH(EtuRecordReader(path), Catch::Contains("magic"));

  // Truncated: the header promises more records than the file holds.
  record_stream(path, arith::QuantConfig{}, 2);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  REQUIRE_THROWS_WITH(EtuRecordReader(path), Catch::Contains("truncated"));

  // A value outside its format.
  {
    EtuRecordWriter w(path, arith::QuantConfig{});
    EtuRecord r;
    r.h = -1;  // h is unsigned
    w.write(r);
    w.close();
  }
  EtuRecordReader reader(path);
  EtuRecord r;
  REQUIRE_THROWS_WITH(reader.next(r), Catch::Contains("record 0: h = -1"));
}

namespace {
size_t open_descriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}
}  // namespace

TEST_CASE("a rejected record file is closed: no descriptor leaks (issue #15 row 13)", "[rtl][record]") {
  const std::string path = scratch("leak.etu");
  std::ofstream(path, std::ios::binary) << std::string(100, 'x');  // a header's length, wrong magic
  const size_t before = open_descriptors();
  for (int i = 0; i < 50; ++i) REQUIRE_THROWS_AS(EtuRecordReader(path), InputError);
  record_stream(path, arith::QuantConfig{}, 2);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);  // truncated: fails late
  for (int i = 0; i < 50; ++i) REQUIRE_THROWS_AS(EtuRecordReader(path), InputError);
  CHECK(open_descriptors() == before);
}
