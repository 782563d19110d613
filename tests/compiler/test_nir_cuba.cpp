// NIR CubaLIF, CubaLI, reset to zero, v_leak and IF onto the chip's neurons (issue #14): the
// import's values, the snnTorch-shaped recurrent CubaLIF network (and a CubaLI readout of it)
// against a direct simulation of NIR's (euler) equations written here, float against fixed point,
// and export -> import.
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "compiler/compile.hpp"
#include "compiler/chip_json.hpp"
#include "compiler/lower.hpp"
#include "compiler/nir/nir_export.hpp"
#include "compiler/nir/nir_import.hpp"
#include "hw_model/error.hpp"
#include "hw_model/functional/run.hpp"
#include "nir_cuba_fixture.hpp"
#include "nir_round_trip.hpp"
#include "support/cli_runner.hpp"

using namespace nchip;
using test::CubaLi;
using test::SnnTorchCuba;

namespace {

nir::ImportResult import(const test::NirFixture& f, const std::string& name, nir::ResetMode reset,
                         std::optional<double> dt_ms = std::nullopt) {
  const std::string path = test::scratch_dir(name) + "/net.nir";
  f.write(path);
  nir::ImportOptions o;
  o.reset = reset;
  o.dt_ms = dt_ms;
  return nir::import_nir_file(path, o);
}

model::InputSpikes random_inputs(uint32_t n, uint32_t steps) {
  model::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < n; ++i)
      if (arith::counter_uniform({11, 3, i, t}) < 0.05) in[t].push_back(i);
  return in;
}

// NIR's CubaLIF under euler, with nchip's timing (each edge into a neuron layer delays one step):
// I[t+1] = (1 - dt/tau_syn) I[t] + dt/tau_syn w_in (W s[t]),
// v[t+1] = (1 - dt/tau_mem) v[t] + dt/tau_mem (v_leak + r I[t+1]), then the reset of z[t].
std::vector<uint32_t> reference_spike_counts(const SnnTorchCuba& n, const model::InputSpikes& in, bool reset_zero) {
  const double dt = SnnTorchCuba::kDtS, tau_syn = dt / (1 - n.kAlpha), tau_mem = dt / (1 - n.kBeta);
  const double r = tau_mem / dt, w_in = tau_syn / dt;
  struct Layer {
    std::vector<double> I, v;
    std::vector<uint8_t> z;
  } rec{std::vector<double>(n.kRec), std::vector<double>(n.kRec), std::vector<uint8_t>(n.kRec)},
      out{std::vector<double>(n.kOut), std::vector<double>(n.kOut), std::vector<uint8_t>(n.kOut)};
  std::vector<uint32_t> counts(n.kRec + n.kOut, 0);
  auto advance = [&](Layer& L, const std::vector<double>& input, const std::vector<double>& v_leak) {
    for (size_t j = 0; j < L.v.size(); ++j) {
      L.I[j] = (1 - dt / tau_syn) * L.I[j] + dt / tau_syn * w_in * input[j];
      const double kept = L.z[j] && reset_zero ? 0.0 : L.v[j];
      L.v[j] = (1 - dt / tau_mem) * kept + dt / tau_mem * (v_leak[j] + r * L.I[j]);
      if (L.z[j] && !reset_zero) L.v[j] -= n.kVth;
    }
  };
  for (const auto& x : in) {
    std::vector<double> in_rec(n.kRec, 0.0), in_out(n.kOut, 0.0);
    for (uint32_t j = 0; j < n.kRec; ++j) {
      for (uint32_t i : x) in_rec[j] += n.w_in[j * n.kIn + i];
      for (uint32_t i = 0; i < n.kRec; ++i)
        if (rec.z[i]) in_rec[j] += n.w_rec[j * n.kRec + i];
    }
    for (uint32_t k = 0; k < n.kOut; ++k)
      for (uint32_t i = 0; i < n.kRec; ++i)
        if (rec.z[i]) in_out[k] += n.w_out[k * n.kRec + i];
    advance(rec, in_rec, n.v_leak_rec);
    advance(out, in_out, std::vector<double>(n.kOut, 0.0));
    for (uint32_t j = 0; j < n.kRec; ++j) counts[j] += (rec.z[j] = rec.v[j] > n.kVth);
    for (uint32_t k = 0; k < n.kOut; ++k) counts[n.kRec + k] += (out.z[k] = out.v[k] > n.kVth);
  }
  return counts;
}

// Spike counts per spiking neuron of a run: rec's 40, then out's 7 (the import orders neuron nodes
// by name, so the spiking index space holds out before rec).
std::vector<uint32_t> counts_by_name(const ir::Network& net, const model::Recording& rec) {
  uint32_t first = 0, rec_first = 0, out_first = 0;
  for (const auto& p : net.populations) {
    if (!ir::is_spiking(p.type)) continue;
    if (p.name == "rec") rec_first = first;
    if (p.name == "out") out_first = first;
    first += p.size;
  }
  std::vector<uint32_t> flat(SnnTorchCuba::kRec + SnnTorchCuba::kOut, 0);
  for (const auto& step : rec.spikes)
    for (uint32_t j : step)
      ++flat[j >= rec_first && j < rec_first + SnnTorchCuba::kRec ? j - rec_first : SnnTorchCuba::kRec + j - out_first];
  return flat;
}

}  // namespace

TEST_CASE("NIR CubaLIF, euler: alpha_syn = 1 - dt/tau_syn and both input scales in the weights", "[nir]") {
  test::NirFixture f;
  f.add("in", "Input").p("shape", {2});
  f.add("w", "Linear").matrix("weight", 1, 2, {1.0, -2.0});
  // dt = 0.5 ms: alpha_syn = 0.75 (tau_syn 2 ms), alpha = 0.875 (tau_mem 4 ms); scales
  // dt/tau_syn w_in = 0.25 * 2 and dt/tau_mem r = 0.125 * 3: the weight is w * 0.1875.
  f.add("cuba", "CubaLIF").scalar("tau_syn", 0.002).scalar("tau_mem", 0.004).scalar("r", 3).scalar("w_in", 2)
      .scalar("v_leak", 0.4).scalar("v_threshold", 1).scalar("v_reset", 0);
  f.edge("in", "w");
  f.edge("w", "cuba");
  const std::string path = test::scratch_dir("nir_cuba_values") + "/net.nir";
  f.write(path);
  nir::ImportOptions o;
  o.dt_ms = 0.5;
  const ir::Network net = nir::import_nir_file(path, o).network;
  const ir::Population& p = *net.find("cuba");
  CHECK(p.type == ir::PopulationType::cuba_lif);
  CHECK(p.reset == ir::ResetMode::zero);  // --reset zero is the default (NIR's v_reset = 0)
  CHECK(std::exp(-0.5 / p.tau_syn_ms) == Approx(0.75).epsilon(1e-14));
  CHECK(std::exp(-0.5 / p.tau_m_ms) == Approx(0.875).epsilon(1e-14));
  REQUIRE(p.bias.size() == 1);
  CHECK(p.bias[0] == Approx(0.125 * 0.4).epsilon(1e-14));  // dt/tau_mem v_leak
  CHECK(net.projections.at(0).weights == std::vector<double>{0.1875, -0.375});
}

TEST_CASE("the snnTorch-shaped recurrent CubaLIF network spikes as NIR's equations say, in float and fixed", "[nir]") {
  const image::ChipConfig loihi = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/loihi_like.json");
  const model::InputSpikes inputs = random_inputs(SnnTorchCuba::kIn, 400);
  for (bool reset_zero : {false, true})
    for (bool bias : {false, true}) {
      INFO("reset " << (reset_zero ? "zero" : "subtract") << (bias ? ", with bias" : ", no bias"));
      const SnnTorchCuba n = test::snntorch_cuba_weights(bias);
      const ir::Network net = import(test::snntorch_cuba_fixture(n), "nir_cuba_net",
                                     reset_zero ? nir::ResetMode::zero : nir::ResetMode::subtract)
                                  .network;
      CHECK(net.dt_ms == 0.1);  // implied by r = tau_mem / dt
      REQUIRE(net.find("rec")->type == ir::PopulationType::cuba_lif);
      CHECK(net.find("li")->type == ir::PopulationType::readout);
      const auto expected = reference_spike_counts(n, inputs, reset_zero);
      const model::Recording f =
          functional::run_network(compiler::lower(net, arith::FloatOps{}), arith::FloatOps{}, inputs, 400, 1, false);
      const auto got = counts_by_name(net, f);
      CHECK(got == expected);
      uint32_t total = 0;
      for (uint32_t c : expected) total += c;
      CHECK(total > 200);  // an active network, or the comparison says little

      // Fixed point on the Loihi-like chip: the same spikes up to quantization.
      const image::ChipImage im = compiler::compile_network(net, loihi, arith::QuantConfig{});
      arith::SaturationCounts sat;
      const model::Recording x =
          functional::run_network(im.network, arith::FixedOps(im.quant, sat), inputs, 400, 1, false);
      const auto fixed = counts_by_name(net, x);
      uint32_t fixed_total = 0, diff = 0;
      for (size_t j = 0; j < fixed.size(); ++j) {
        fixed_total += fixed[j];
        diff += fixed[j] > expected[j] ? fixed[j] - expected[j] : expected[j] - fixed[j];
      }
      INFO("float " << total << " spikes, fixed " << fixed_total << ", sum |difference| " << diff);
      CHECK(diff <= total / 10);
      CHECK(sat.total() == 0);
    }
}

TEST_CASE("a cuba_lif network exports as NIR CubaLIF and imports back identical", "[nir]") {
  const SnnTorchCuba n = test::snntorch_cuba_weights(true);
  ir::Network net = import(test::snntorch_cuba_fixture(n), "nir_cuba_rt_in", nir::ResetMode::zero).network;
  // out keeps reset zero, rec resets by subtraction: the file must carry each population's mode.
  for (auto& p : net.populations)
    if (p.name == "rec") p.reset = ir::ResetMode::subtract;
  for (auto d : {nir::Discretization::euler, nir::Discretization::exact}) {
    const ir::Network back = test::export_and_import(net, "nir_cuba_rt", d).network;
    for (const char* name : {"rec", "out"}) {
      INFO(name);
      const ir::Population &a = *net.find(name), &b = *back.find(name);
      CHECK(b.type == ir::PopulationType::cuba_lif);
      CHECK(b.reset == a.reset);
      CHECK(b.tau_syn_ms == a.tau_syn_ms);
      CHECK(b.tau_m_ms == a.tau_m_ms);
      CHECK(b.bias == a.bias);
    }
    const auto run = [&](const ir::Network& m) {
      return functional::run_network(compiler::lower(m, arith::FloatOps{}), arith::FloatOps{},
                                     random_inputs(SnnTorchCuba::kIn, 200), 200, 1, false)
          .spikes;
    };
    CHECK(run(back) == run(net));
  }
}

namespace {

uint32_t first_of(const ir::Network& net, const std::string& name, bool spiking) {
  uint32_t first = 0;
  for (const auto& p : net.populations) {
    if (p.name == name) return first;
    if (spiking ? ir::is_spiking(p.type) : p.type == ir::PopulationType::readout) first += p.size;
  }
  FAIL("no population " << name);
  return 0;
}

}  // namespace

TEST_CASE("NIR IF becomes a lif without leak", "[nir]") {
  test::NirFixture f;
  f.add("in", "Input").p("shape", {1});
  f.add("w", "Affine").matrix("weight", 1, 1, {1.0}).p("bias", {0.5});
  f.add("if", "IF").scalar("r", 10000).scalar("v_threshold", 1);
  f.edge("in", "w");
  f.edge("w", "if");
  const ir::Network net = import(f, "nir_if", nir::ResetMode::zero, 0.1).network;
  const ir::Population& p = *net.find("if");
  CHECK(p.type == ir::PopulationType::lif);
  CHECK(p.leak == false);
  REQUIRE(p.bias.size() == 1);
  CHECK(p.bias[0] == Approx(0.5).epsilon(1e-12));  // r dt = 10000 x 1e-4 s = 1 (--dt-ms 0.1 below)
}

// NIR's CubaLIF filters an Affine bias with its current like any input: tau_syn dI/dt = -I + w_in
// (W S + b), tau_mem dv/dt = (v_leak - v) + r I. It becomes the synaptic_bias (added to i every
// step), v_leak stays the bias of v; the voltage follows NIR's euler equations to rounding.
TEST_CASE("an Affine bias into a CubaLIF or CubaLI enters its synaptic current", "[nir]") {
  for (const char* type : {"CubaLIF", "CubaLI"}) {
    INFO(type);
    const bool spiking = std::string(type) == "CubaLIF";
    test::NirFixture f;
    f.add("in", "Input").p("shape", {1});
    f.add("lif", "LIF").scalar("tau", 0.004).scalar("r", 1).scalar("v_leak", 0).scalar("v_threshold", 1);
    f.add("w", "Affine").matrix("weight", 1, 1, {0.0}).p("bias", {0.5});
    auto& cuba = f.add("cuba", type).scalar("tau_syn", 0.002).scalar("tau_mem", 0.004).scalar("r", 1.5)
                     .scalar("v_leak", 0.2);
    if (spiking) cuba.scalar("v_threshold", 100).scalar("v_reset", 0);
    for (auto [a, b] : {std::pair{"in", "lif"}, {"lif", "w"}, {"w", "cuba"}}) f.edge(a, b);
    const nir::ImportResult r = import(f, std::string("nir_cuba_affine_bias_") + type, nir::ResetMode::zero, 0.1);
    const ir::Population& p = *r.network.find("cuba");
    // euler, dt 0.1 ms: scales dt/tau_mem r = 0.0375 and dt/tau_syn w_in = 0.05.
    REQUIRE(p.synaptic_bias.size() == 1);
    CHECK(p.synaptic_bias[0] == Approx(0.5 * 0.0375 * 0.05).epsilon(1e-14));
    REQUIRE(p.bias.size() == 1);
    CHECK(p.bias[0] == Approx(0.025 * 0.2).epsilon(1e-14));  // dt/tau_mem v_leak
    const auto lowered = compiler::lower(r.network, arith::FloatOps{});
    const model::Recording rec = functional::run_network(lowered, arith::FloatOps{}, model::InputSpikes(60), 60, 1, true);
    double I = 0, v = 0, worst = 0;
    for (uint32_t t = 0; t < 60; ++t) {
      I = (1 - 0.05) * I + 0.05 * 0.5;
      v = (1 - 0.025) * v + 0.025 * (0.2 + 1.5 * I);
      const double got = spiking ? rec.voltages[size_t{t} * rec.n_neurons + first_of(r.network, "cuba", true)]
                                 : rec.readouts[size_t{t} * rec.n_readouts];
      worst = std::fmax(worst, std::fabs(got - v));
    }
    INFO("v after 60 steps " << v << ", worst difference " << worst);
    CHECK(v > 0.1);
    CHECK(worst < 1e-12);
    // Export writes it back on the Affine into the node (input scales 1): the same network.
    for (auto d : {nir::Discretization::euler, nir::Discretization::exact}) {
      const ir::Network back = test::export_and_import(r.network, std::string("nir_cuba_affine_bias_rt_") + type, d).network;
      CHECK(back.find("cuba")->synaptic_bias == p.synaptic_bias);
      CHECK(back.find("cuba")->bias == p.bias);
    }
  }
}


TEST_CASE("NIR CubaLI becomes a readout with a synaptic current: alpha_syn kappa and both input scales", "[nir]") {
  for (auto d : {nir::Discretization::euler, nir::Discretization::exact}) {
    const bool euler = d == nir::Discretization::euler;
    INFO((euler ? "euler" : "exact"));
    test::NirFixture f;
    f.add("in", "Input").p("shape", {2});
    f.add("w0", "Linear").matrix("weight", 2, 2, {1.0, 0.0, 0.0, 1.0});
    f.add("lif", "LIF").scalar("tau", 0.004).scalar("r", 1).scalar("v_leak", 0).scalar("v_threshold", 1);
    f.add("w", "Linear").matrix("weight", 1, 2, {1.0, -2.0});
    f.add("cli", "CubaLI").scalar("tau_syn", 0.002).scalar("tau_mem", 0.004).scalar("r", 3).scalar("w_in", 2)
        .scalar("v_leak", 0.4);
    for (auto [a, b] : {std::pair{"in", "w0"}, {"w0", "lif"}, {"lif", "w"}, {"w", "cli"}}) f.edge(a, b);
    const std::string path = test::scratch_dir("nir_cubali_values") + "/net.nir";
    f.write(path);
    nir::ImportOptions o;
    o.dt_ms = 0.5;
    o.discretization = d;
    const nir::ImportResult r = nir::import_nir_file(path, o);
    const ir::Population& p = *r.network.find("cli");
    CHECK(p.type == ir::PopulationType::readout);
    CHECK(p.readout_current);
    // dt = 0.5 ms: tau_syn 2 ms, tau_mem 4 ms.
    const double alpha_syn = euler ? 0.75 : std::exp(-0.25), kappa = euler ? 0.875 : std::exp(-0.125);
    CHECK(std::exp(-0.5 / p.tau_syn_ms) == Approx(alpha_syn).epsilon(1e-14));
    CHECK(std::exp(-0.5 / p.tau_out_ms) == Approx(kappa).epsilon(1e-14));
    // Weights scaled by (1 - alpha_syn) w_in (1 - kappa) r, the bias is (1 - kappa) v_leak (euler:
    // 1 - alpha = dt / tau).
    const double scale = (1 - alpha_syn) * 2 * (1 - kappa) * 3;
    const ir::Projection* into = nullptr;
    for (const auto& q : r.network.projections)
      if (q.target == "cli") into = &q;
    REQUIRE(into != nullptr);
    const ir::Projection& proj = *into;
    CHECK(proj.weights[0] == Approx(scale).epsilon(1e-14));
    CHECK(proj.weights[1] == Approx(-2 * scale).epsilon(1e-14));
    REQUIRE(p.bias.size() == 1);
    CHECK(p.bias[0] == Approx((1 - kappa) * 0.4).epsilon(1e-14));
    // The table says what it became.
    bool row = false;
    for (const auto& t : r.rows)
      row = row || (t.node == "cli" && t.became.find("readout population 'cli'") != std::string::npos &&
                    t.note.find("alpha_syn") != std::string::npos);
    CHECK(row);
  }
}

// NIR's CubaLI under euler with nchip's readout timing (a readout sees z[t] in step t):
// I[t] = (1 - dt/tau_syn) I[t-1] + dt/tau_syn w_in (W z[t]), y[t] = (1 - dt/tau_mem) y[t-1] +
// dt/tau_mem (v_leak + r I[t]), driven by the recurrent layer's recorded spikes.
TEST_CASE("a CubaLI readout follows NIR's euler equations in float", "[nir]") {
  const SnnTorchCuba n = test::snntorch_cuba_weights(true);
  const CubaLi c;
  const ir::Network net = import(test::with_cuba_li(n, c), "nir_cubali_net", nir::ResetMode::subtract).network;
  REQUIRE(net.dt_ms == 0.1);
  const model::InputSpikes inputs = random_inputs(SnnTorchCuba::kIn, 300);
  const auto model = compiler::lower(net, arith::FloatOps{});
  const model::Recording rec = functional::run_network(model, arith::FloatOps{}, inputs, 300, 1, false);
  const uint32_t rec_first = first_of(net, "rec", true), cli_first = first_of(net, "cli", false);
  const double dt = 1e-4;
  std::vector<double> I(c.kSize, 0.0), y(c.kSize, 0.0);
  double worst = 0, largest = 0;
  uint64_t spikes_seen = 0;
  for (uint32_t t = 0; t < 300; ++t) {
    std::vector<double> drive(c.kSize, 0.0);
    if (t > 0)
      for (uint32_t j : rec.spikes[t - 1])
        if (j >= rec_first && j < rec_first + SnnTorchCuba::kRec) {
          ++spikes_seen;
          for (uint32_t k = 0; k < c.kSize; ++k) drive[k] += c.w[k * SnnTorchCuba::kRec + (j - rec_first)];
        }
    for (uint32_t k = 0; k < c.kSize; ++k) {
      I[k] = (1 - dt / c.kTauSynS) * I[k] + dt / c.kTauSynS * c.kWIn * drive[k];
      y[k] = (1 - dt / c.kTauMemS) * y[k] + dt / c.kTauMemS * (c.kVLeak + c.kR * I[k]);
      const double got = rec.readouts[size_t{t} * rec.n_readouts + cli_first + k];
      worst = std::fmax(worst, std::fabs(got - y[k]));
      largest = std::fmax(largest, std::fabs(y[k]));
    }
  }
  INFO("largest |y| " << largest << ", worst difference " << worst << ", spikes " << spikes_seen);
  CHECK(spikes_seen > 100);
  CHECK(largest > 0.5);
  CHECK(worst < 1e-9);
}

TEST_CASE("a CubaLI readout exports as NIR CubaLI and imports back bit-identical in float and fixed", "[nir]") {
  const SnnTorchCuba n = test::snntorch_cuba_weights(false);
  ir::Network net = import(test::with_cuba_li(n, CubaLi{}), "nir_cubali_rt_in", nir::ResetMode::zero).network;
  for (auto& p : net.populations)
    if (p.name == "cli") p.bias = {0.05, -0.1, 0.2};  // a readout bias goes out as v_leak (+ exact metadata)
  const arith::QuantConfig quant;
  for (auto d : {nir::Discretization::euler, nir::Discretization::exact}) {
    const ir::Network back = test::export_and_import(net, "nir_cubali_rt", d).network;
    const ir::Population &a = *net.find("cli"), &b = *back.find("cli");
    CHECK(b.type == ir::PopulationType::readout);
    CHECK(b.readout_current);
    CHECK(b.tau_syn_ms == a.tau_syn_ms);
    CHECK(b.tau_out_ms == a.tau_out_ms);
    CHECK(b.bias == a.bias);
    CHECK(back.find("li")->readout_current == false);
    const auto inputs = random_inputs(SnnTorchCuba::kIn, 200);
    const auto run_float = [&](const ir::Network& m) {
      return functional::run_network(compiler::lower(m, arith::FloatOps{}), arith::FloatOps{}, inputs, 200, 1, false)
          .readouts;
    };
    const auto run_fixed = [&](const ir::Network& m) {
      arith::SaturationCounts sat;
      return functional::run_network(compiler::lower(m, arith::FixedOps(quant, sat)), arith::FixedOps(quant, sat),
                                     inputs, 200, 1, false)
          .readouts;
    };
    CHECK(run_float(back) == run_float(net));
    CHECK(run_fixed(back) == run_fixed(net));
  }
}
