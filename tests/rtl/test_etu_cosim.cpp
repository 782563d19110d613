// The verilated ETU (plain C++ models) against arith::etu_update<FixedOps>, bit for bit.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rtl/cosim/etu_cosim.hpp"

using namespace nchip;
using namespace nchip::rtl;
using arith::Rounding;

namespace {

const VerilatedEtuVariant& variant(const std::string& name) {
  for (const auto& v : verilated_etu_variants())
    if (v.name == name) return v;
  FAIL("no variant " << name);
  throw;
}

CosimReport random_run(const VerilatedEtuVariant& v, uint64_t updates, uint64_t seed,
                       Distribution d, const CosimOptions& options = {}) {
  return run_cosim(v.make, [&] { return make_random_source(v.quant, seed, updates, d); }, v.quant,
                   options);
}

void require_match(const CosimReport& r, uint64_t updates, const arith::QuantConfig& q) {
  INFO((r.mismatch ? describe(*r.mismatch, q) : std::string("match")));
  REQUIRE(!r.mismatch);
  REQUIRE(r.compared == updates);
}

}  // namespace

TEST_CASE("10^5 random updates match for each rounding mode", "[rtl][cosim]") {
  for (const char* name : {"nearest", "truncate", "stochastic"}) {
    DYNAMIC_SECTION(name) {
      const auto& v = variant(name);
      const auto r = random_run(v, 100000, 11, Distribution::mixed);
      require_match(r, 100000, v.quant);
      // Full throughput: one update per cycle plus the pipeline's fill.
      REQUIRE(r.cycles == 100000 + kEtuLatency);
      // The stream reaches saturation in both formats, so the clamps are compared too.
      REQUIRE(r.saturations_eligibility > 1000);
      REQUIRE(r.saturations_accumulator > 1000);
    }
  }
}

TEST_CASE("each random distribution matches", "[rtl][cosim]") {
  for (Distribution d : {Distribution::uniform, Distribution::edges, Distribution::log}) {
    DYNAMIC_SECTION(to_string(d)) {
      for (const char* name : {"nearest", "stochastic"}) {
        const auto& v = variant(name);
        require_match(random_run(v, 20000, 5, d), 20000, v.quant);
      }
    }
  }
}

TEST_CASE("all directed corners match in every rounding mode", "[rtl][cosim]") {
  for (const auto& v : verilated_etu_variants()) {
    DYNAMIC_SECTION(v.name) {
      const auto corners = corner_records(v.quant);
      REQUIRE(corners.size() > 10000);
      const auto r = run_cosim(v.make, [&] { return make_vector_source(corners); }, v.quant, {});
      require_match(r, corners.size(), v.quant);
    }
  }
}

TEST_CASE("the corners contain refractory and full-decay and rounding-tie cases", "[rtl][cosim]") {
  const arith::QuantConfig q;
  const auto corners = corner_records(q);
  bool refractory = false, full_decay = false, zero_decay = false, max_l = false;
  for (const auto& r : corners) {
    refractory |= r.h == 0 && r.adaptive;
    full_decay |= r.rho == q[arith::Quantity::decay].max_raw();
    zero_decay |= r.kappa == 0;
    max_l |= r.L == q[arith::Quantity::learning_signal].max_raw();
  }
  REQUIRE((refractory && full_decay && zero_decay && max_l));
  // Ties: under nearest, h = 0.5 times zbar = 1 LSB rounds to 0 (even) and 3 LSB to 2.
  arith::SaturationCounts counts;
  const arith::FixedOps ops(q, counts);
  int ties = 0;
  for (const auto& r : corners) {
    if (r.adaptive || r.h != (1 << 15) || (r.zbar != 1 && r.zbar != 3)) continue;
    auto s = r.state();
    const auto e = arith::etu_update(ops, r.neuron(), arith::Fx<arith::Quantity::trace>{r.zbar}, s, r.key);
    REQUIRE(e.raw == (r.zbar == 1 ? 0 : 2));
    ++ties;
  }
  REQUIRE(ties >= 2);
}

TEST_CASE("extreme formats with left-shift overflow and shifts past 63 bits match", "[rtl][cosim]") {
  const auto& v = variant("wide_stochastic");
  require_match(random_run(v, 100000, 3, Distribution::mixed), 100000, v.quant);
}

TEST_CASE("back-pressure and bubbles do not change the results", "[rtl][cosim]") {
  CosimOptions o;
  o.stall_rate = 0.3;
  o.bubble_rate = 0.3;
  o.handshake_seed = 9;
  for (const char* name : {"nearest", "stochastic"}) {
    const auto& v = variant(name);
    const auto r = random_run(v, 20000, 4, Distribution::mixed, o);
    require_match(r, 20000, v.quant);
    REQUIRE(r.cycles > 30000);  // the stalls and bubbles really happened
  }
}

TEST_CASE("a wrong reference is caught: the comparison can fail", "[rtl][cosim]") {
  // The RTL rounds to nearest; the reference is told to truncate.
  const auto& v = variant("nearest");
  arith::QuantConfig wrong = v.quant;
  wrong.rounding = Rounding::truncate;
  const auto r = run_cosim(v.make, [&] { return make_random_source(v.quant, 1, 1000, Distribution::mixed); },
                           wrong, {});
  REQUIRE(r.mismatch);
  const Mismatch& m = *r.mismatch;
  REQUIRE(m.expected != m.actual);
  REQUIRE(m.update < 100);
  REQUIRE(m.cycle == m.update + kEtuLatency);  // full throughput: accepted at c, out at c + latency
  const std::string report = describe(m, wrong);
  REQUIRE(report.find("MISMATCH at update " + std::to_string(m.update)) != std::string::npos);
  REQUIRE(report.find("field " + m.field) != std::string::npos);

  // Stochastic rounding with another seed in the reference is caught as well.
  const auto& s = variant("stochastic");
  auto records = corner_records(s.quant);
  std::vector<EtuRecord> reseeded = records;
  for (auto& rec : reseeded) rec.key.seed ^= 0x5A5A;
  const auto r2 = run_cosim(s.make, [&] { return make_vector_source(records); }, s.quant, {});
  REQUIRE(!r2.mismatch);
  // Feed the RTL one key and the reference another: a checker-level comparison.
  EtuChecker checker(s.quant);
  auto dut = s.make();
  dut->reset();
  size_t in = 0, differences = 0;
  EtuResult out;
  for (int c = 0; c < 2000 && in < 1000; ++c) {
    const auto step = dut->step(&records[in], true, out);
    if (step.accepted) checker.expect(reseeded[in++]);
    if (step.produced && checker.check(out, c)) ++differences;
  }
  REQUIRE(differences > 0);
}

TEST_CASE("a mismatch writes a VCD around it", "[rtl][cosim]") {
  const auto& v = variant("nearest");
  arith::QuantConfig wrong = v.quant;
  wrong.rounding = Rounding::truncate;
  const auto dir = std::filesystem::path(NCHIP_BINARY_DIR) / "test-scratch" / "etu_vcd";
  std::filesystem::create_directories(dir);
  CosimOptions o;
  o.vcd_path = (dir / "mismatch.vcd").string();
  o.vcd_window = 8;
  const auto r = run_cosim(v.make, [&] { return make_random_source(v.quant, 1, 1000, Distribution::mixed); },
                           wrong, o);
  REQUIRE(r.mismatch);
  REQUIRE(r.vcd_written == o.vcd_path);
  REQUIRE(r.vcd_last_cycle == r.mismatch->cycle + 8);
  std::ifstream in(o.vcd_path);
  std::stringstream text;
  text << in.rdbuf();
  REQUIRE(text.str().find("$enddefinitions") != std::string::npos);
  REQUIRE(text.str().find("out_eps_a") != std::string::npos);
  REQUIRE(text.str().find("#" + std::to_string(10 * r.mismatch->cycle)) != std::string::npos);
}
