// NIR import and export (issue #14): discretization values, dt inference, every malformed input
// class refused with one line, and export -> import giving back the same network.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "compiler/ir/network_json.hpp"
#include "compiler/nir/nir_export.hpp"
#include "compiler/nir/nir_import.hpp"
#include "hw_model/error.hpp"
#include "nir_fixture.hpp"
#include "support/cli_runner.hpp"

using namespace nchip;
using nchip::test::NirFixture;

namespace {

nir::ImportResult import(const NirFixture& f, const std::string& name, nir::ImportOptions o) {
  const std::string path = test::scratch_dir(name) + "/net.nir";
  f.write(path);
  return nir::import_nir_file(path, o);
}

nir::ImportOptions subtract(std::optional<double> dt_ms, nir::Discretization d = nir::Discretization::euler) {
  nir::ImportOptions o;
  o.dt_ms = dt_ms;
  o.discretization = d;
  o.reset = nir::ResetMode::subtract;
  return o;
}

const ir::Projection& projection(const ir::Network& net, const std::string& src, const std::string& dst) {
  for (const auto& p : net.projections)
    if (p.source == src && p.target == dst) return p;
  FAIL("no projection " << src << " -> " << dst);
  throw;
}

std::string import_error(const NirFixture& f, const std::string& name, nir::ImportOptions o = subtract(1.0)) {
  try {
    import(f, name, o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("NIR LIF, euler: alpha = 1 - dt/tau, weights scaled by r dt/tau, threshold kept", "[nir]") {
  // tau = 2 ms, dt = 0.5 ms, r = 3: alpha = 0.75, input scale 3 * 0.25 = 0.75.
  const auto res = import(test::lif_fixture(0.002, 3.0, 0.7), "nir_euler", subtract(0.5));
  const ir::Network& net = res.network;
  REQUIRE(net.populations.size() == 2);
  const ir::Population& lif = *net.find("lif");
  CHECK(lif.type == ir::PopulationType::lif);
  CHECK(lif.size == 2);
  CHECK(std::abs(std::exp(-net.dt_ms / lif.tau_m_ms) - 0.75) < 1e-12);
  CHECK(lif.v_th == 0.7);
  const std::vector<double> w = {0.5, -0.25, 1.0, 0.125, 2.0, -1.5};
  const auto& p = projection(net, "in", "lif");
  REQUIRE(p.weights.size() == 6);
  for (size_t k = 0; k < 6; ++k) CHECK(p.weights[k] == Approx(w[k] * 0.75).epsilon(1e-12));
}

TEST_CASE("NIR LIF, exact: alpha = exp(-dt/tau), weights scaled by r (1 - alpha)", "[nir]") {
  const auto res = import(test::lif_fixture(0.002, 3.0, 0.7), "nir_exact", subtract(0.5, nir::Discretization::exact));
  const ir::Population& lif = *res.network.find("lif");
  CHECK(lif.tau_m_ms == Approx(2.0).epsilon(1e-12));
  const double alpha = std::exp(-0.25);
  const auto& p = projection(res.network, "in", "lif");
  CHECK(p.weights[0] == Approx(0.5 * 3.0 * (1 - alpha)).epsilon(1e-12));
  CHECK(p.weights[5] == Approx(-1.5 * 3.0 * (1 - alpha)).epsilon(1e-12));
}

TEST_CASE("NIR dt is implied by r = tau/dt (snnTorch), weights then kept exactly", "[nir]") {
  // snnTorch: beta = 0.9, dt = 1e-4 s: tau = dt / (1 - beta), r = tau / dt.
  const double tau = 1e-4 / (1 - 0.9);
  const auto res = import(test::lif_fixture(tau, tau / 1e-4, 1.0), "nir_infer", subtract(std::nullopt));
  CHECK(res.network.dt_ms == Approx(0.1).epsilon(1e-12));
  CHECK(std::abs(std::exp(-res.network.dt_ms / res.network.find("lif")->tau_m_ms) - 0.9) < 1e-12);
  CHECK(projection(res.network, "in", "lif").weights[1] == -0.25);  // scale exactly 1
  // Without the convention there is no dt: one line naming the flag.
  // Norse writes r = 1 and no dt.
  const std::string e = import_error(test::lif_fixture(0.002, 1.0, 1.0), "nir_nodt", subtract(std::nullopt));
  CHECK(e.find("--dt-ms is required: every LIF/LI node has r = 1 (Norse's convention") != std::string::npos);
  auto f = test::lif_fixture(0.002, 3.0, 1.0);
  f.add("lif2", "LIF").scalar("tau", 0.004).scalar("r", 3.0).scalar("v_leak", 0).scalar("v_threshold", 1);
  f.edge("w", "lif2");
  const std::string e2 = import_error(f, "nir_nodt2", subtract(std::nullopt));
  CHECK(e2.find("--dt-ms is required") != std::string::npos);
  CHECK(e2.find('\n') == std::string::npos);
}

TEST_CASE("NIR Affine bias and LI become a readout with bias, Scale and Flatten fold into the weights", "[nir]") {
  NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
  f.add("sc", "Scale").p("scale", {2.0, -1.0});
  f.add("fl", "Flatten").scalar("start_dim", 0).scalar("end_dim", -1);
  f.add("fc", "Affine").matrix("weight", 1, 2, {0.5, 0.25}).p("bias", {0.1});
  f.add("li", "LI").scalar("tau", 0.004).scalar("r", 2.0).scalar("v_leak", 0.0);
  f.edge("lif", "sc");
  f.edge("sc", "fl");
  f.edge("fl", "fc");
  f.edge("fc", "li");
  const auto res = import(f, "nir_affine", subtract(1.0));
  const ir::Population& li = *res.network.find("li");
  CHECK(li.type == ir::PopulationType::readout);
  // euler: kappa = 1 - 1/4, input scale r dt / tau = 0.5
  CHECK(std::abs(std::exp(-1.0 / li.tau_out_ms) - 0.75) < 1e-12);
  REQUIRE(li.bias.size() == 1);
  CHECK(li.bias[0] == Approx(0.05).epsilon(1e-12));
  const auto& p = projection(res.network, "lif", "li");
  REQUIRE(p.weights.size() == 2);
  CHECK(p.weights[0] == Approx(0.5 * 2.0 * 0.5).epsilon(1e-12));
  CHECK(p.weights[1] == Approx(0.25 * -1.0 * 0.5).epsilon(1e-12));
}

TEST_CASE("NIR subgraphs flatten, a recurrent Linear becomes a recurrent projection", "[nir]") {
  const std::string path = test::scratch_dir("nir_sub") + "/net.nir";
  {
    nir::Hdf5Writer w(path);
    w.string("/version", "0.1.0");
    w.group("/node");
    w.string("/node/type", "NIRGraph");
    w.group("/node/nodes");
    auto node = [&](const std::string& g, const std::string& type) {
      w.group(g);
      w.string(g + "/type", type);
    };
    node("/node/nodes/in", "Input");
    w.integers("/node/nodes/in/shape", {1}, {2});
    node("/node/nodes/fc", "Linear");
    w.numeric("/node/nodes/fc/weight", {2, 2}, {1, 0, 0, 1});
    node("/node/nodes/rec", "NIRGraph");
    w.group("/node/nodes/rec/nodes");
    node("/node/nodes/rec/nodes/input", "Input");
    w.integers("/node/nodes/rec/nodes/input/shape", {1}, {2});
    node("/node/nodes/rec/nodes/lif", "LIF");
    for (const char* k : {"tau", "r", "v_threshold"}) w.numeric(std::string("/node/nodes/rec/nodes/lif/") + k, {}, {k[0] == 'v' ? 1.0 : 0.01});
    w.numeric("/node/nodes/rec/nodes/lif/v_leak", {2}, {0, 0});
    node("/node/nodes/rec/nodes/w", "Linear");
    w.numeric("/node/nodes/rec/nodes/w/weight", {2, 2}, {0, 0.3, -0.2, 0});
    node("/node/nodes/rec/nodes/output", "Output");
    w.integers("/node/nodes/rec/nodes/output/shape", {1}, {2});
    w.strings("/node/nodes/rec/edges", {4, 2}, {"input", "lif", "lif", "w", "w", "lif", "lif", "output"});
    node("/node/nodes/out", "Output");
    w.integers("/node/nodes/out/shape", {1}, {2});
    w.strings("/node/edges", {3, 2}, {"in", "fc", "fc", "rec", "rec", "out"});  // "rec": its Output node
    w.close();
  }
  const auto res = nir::import_nir_file(path, subtract(1.0));
  REQUIRE(res.network.find("rec.lif") != nullptr);
  bool output_row = false;
  for (const auto& r : res.rows) output_row = output_row || (r.node == "out" && r.became == "marks 'rec.lif' as a network output");
  CHECK(output_row);
  const auto& r = projection(res.network, "rec.lif", "rec.lif");
  const double s = 0.01 * 0.001 / 0.01;  // euler: r dt / tau with dt = 1 ms = 0.001 s, tau = r = 0.01
  CHECK(r.weights[0] == 0.0);
  CHECK(r.weights[1] == Approx(0.3 * s).epsilon(1e-12));
  CHECK(r.weights[2] == Approx(-0.2 * s).epsilon(1e-12));
  CHECK(projection(res.network, "in", "rec.lif").weights[0] == Approx(s).epsilon(1e-12));
  CHECK(projection(res.network, "in", "rec.lif").weights[1] == 0.0);
}

TEST_CASE("NIR malformed inputs: one line naming the HDF5 path", "[nir]") {
  const std::string dir = test::scratch_dir("nir_bad");
  SECTION("not HDF5") {
    std::ofstream(dir + "/x.nir") << "{}";
    try {
      nir::read_nir_graph(dir + "/x.nir");
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("not an HDF5 file") != std::string::npos);
    }
  }
  SECTION("missing type") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.write_types = false;
    CHECK(import_error(f, "nir_bad_type").find("/node/nodes/in: missing 'type'") != std::string::npos);
  }
  SECTION("unknown type") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.nodes[2].type = "Izhikevich";
    const std::string e = import_error(f, "nir_bad_unknown");
    CHECK(e.find("/node/nodes/lif: node 'lif' (Izhikevich): unknown NIR node type; supported: Input") != std::string::npos);
  }
  SECTION("a Threshold at or below 0 says why") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.nodes[2] = test::NirFixtureNode{"lif", "Threshold", {}};
    f.nodes[2].scalar("threshold", 0.0);
    CHECK(import_error(f, "nir_bad_threshold").find("/node/nodes/lif: node 'lif' (Threshold): threshold must be > 0") !=
          std::string::npos);
  }
  SECTION("shape mismatch") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0, {1, 2, 3, 4});
    f.nodes[1].params[0].second.first = {2, 2};
    CHECK(import_error(f, "nir_bad_shape").find("/node/nodes/w: node 'w' (Linear): shape mismatch: weight has 2 columns, its input has 3") != std::string::npos);
  }
  SECTION("dangling edge") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.edge("lif", "nowhere");
    CHECK(import_error(f, "nir_bad_edge").find("/node/edges: edge target 'nowhere' is not a node") != std::string::npos);
  }
  SECTION("cycle without a neuron") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.add("a", "Linear").matrix("weight", 2, 2, {1, 0, 0, 1});
    f.add("b", "Scale").p("scale", {1, 1});
    f.edge("lif", "a");
    f.edge("a", "b");
    f.edge("b", "a");
    f.add("li", "LI").scalar("tau", 0.01).scalar("r", 1).scalar("v_leak", 0);
    f.edge("a", "li");
    CHECK(import_error(f, "nir_bad_cycle").find("is on a cycle without a neuron") != std::string::npos);
  }
  SECTION("NaN weight") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0, {1, 2, NAN, 4, 5, 6});
    CHECK(import_error(f, "nir_bad_nan").find("/node/nodes/w: node 'w' (Linear): weight[2] is not finite") != std::string::npos);
  }
  SECTION("reset to zero with a non-zero v_reset is refused, not silently changed") {
    nir::ImportOptions o = subtract(1.0);
    o.reset = nir::ResetMode::zero;
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.nodes[2].scalar("v_reset", 0.25);
    CHECK(import_error(f, "nir_bad_reset", o).find("--reset zero: v_reset = 0.25") != std::string::npos);
  }
  SECTION("edges that are not (source, target) pairs") {
    const std::string path = dir + "/edges3.nir";
    {
      nir::Hdf5Writer w(path);
      w.group("/node");
      w.string("/node/type", "NIRGraph");
      w.group("/node/nodes");
      w.group("/node/nodes/in");
      w.string("/node/nodes/in/type", "Input");
      w.numeric("/node/nodes/in/shape", {1}, {2});
      w.strings("/node/edges", {1, 3}, {"in", "in", "in"});
      w.close();
    }
    try {
      nir::read_nir_graph(path);
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()) == path + ": /node/edges: expected an N x 2 array of (source, target) node names");
    }
  }
  SECTION("a numeric type") {
    const std::string path = dir + "/numtype.nir";
    {
      nir::Hdf5Writer w(path);
      w.group("/node");
      w.numeric("/node/type", {}, {3});
      w.close();
    }
    try {
      nir::read_nir_graph(path);
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()) == path + ": /node/type: expected a string dataset");
    }
  }
  SECTION("a 3-D Linear weight") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.nodes[1].params[0].second.first = {1, 2, 3};
    CHECK(import_error(f, "nir_bad_3d").find("weight must be a 2-D matrix, got 3 dimensions") != std::string::npos);
  }
  SECTION("an edge into an Input") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.edge("w", "in");
    CHECK(import_error(f, "nir_bad_into_input").find("node 'in' (Input): an Input node cannot be the target") != std::string::npos);
  }
  SECTION("a zero-sized Input") {
    NirFixture f = test::lif_fixture(0.002, 1.0, 1.0);
    f.nodes[0].params[0].second.second = {0};
    CHECK(import_error(f, "nir_bad_zero").find("bad shape entry 0") != std::string::npos);
  }
  SECTION("euler with dt >= tau") {
    CHECK(import_error(test::lif_fixture(0.0005, 1.0, 1.0), "nir_bad_dt").find("euler needs dt < tau") != std::string::npos);
  }
}

TEST_CASE("NIR export -> import gives back the network bit for bit (euler and exact)", "[nir]") {
  ir::Network net;
  net.dt_ms = 1.0;
  net.populations = {ir::make_population("in", ir::PopulationType::input, 3),
                     ir::make_population("rec", ir::PopulationType::lif, 4),
                     ir::make_population("out", ir::PopulationType::readout, 2)};
  net.populations[1].tau_m_ms = 20.0;
  net.populations[1].v_th = 0.6;
  net.populations[2].tau_out_ms = 30.0;
  net.populations[2].bias = {0.01, -0.02};
  auto dense = [](const std::string& s, const std::string& t, std::vector<double> w) {
    ir::Projection p;
    p.source = s;
    p.target = t;
    p.weights = std::move(w);
    return p;
  };
  net.projections = {dense("in", "rec", {0.1, 0.2, 0.3, -0.1, -0.2, -0.3, 0.7, 0.0, 0.5, 1.1, -0.9, 0.05}),
                     dense("rec", "rec", {0, 0.1, 0.2, 0.3, -0.1, 0, 0.4, 0.1, 0.2, 0.3, 0, 0.6, -0.3, 0.2, 0.1, 0}),
                     dense("rec", "out", {0.3, -0.3, 0.2, 0.1, -0.5, 0.25, 0.125, 0.9})};
  for (auto d : {nir::Discretization::euler, nir::Discretization::exact}) {
    const std::string path = test::scratch_dir("nir_roundtrip") + "/net.nir";
    nir::ExportOptions eo;
    eo.discretization = d;
    nir::export_nir(net, path, eo);
    nir::ImportOptions io = subtract(d == nir::Discretization::euler ? std::nullopt : std::optional<double>(1.0), d);
    const ir::Network back = nir::import_nir_file(path, io).network;
    CHECK(back.dt_ms == net.dt_ms);
    for (const auto& p : net.populations) {
      const ir::Population* q = back.find(p.name);
      REQUIRE(q != nullptr);
      CHECK(*q == p);
    }
    REQUIRE(back.projections.size() == net.projections.size());
    for (const auto& p : net.projections) CHECK(projection(back, p.source, p.target).weights == p.weights);
  }
  // ALIF has no NIR primitive: refused, one line.
  net.populations[1].type = ir::PopulationType::alif;
  try {
    nir::export_nir(net, test::scratch_dir("nir_alif") + "/x.nir", {});
    FAIL("alif exported");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("alif") != std::string::npos);
  }
}

namespace {

// y = W x for an imported projection (dense or sparse).
std::vector<double> apply(const ir::Projection& p, const std::vector<double>& x, size_t rows) {
  std::vector<double> y(rows, 0.0);
  if (p.dense) {
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < x.size(); ++c) y[r] += p.weights[r * x.size() + c] * x[c];
  } else {
    for (const auto& s : p.synapses) y[s.post] += s.weight * x[s.pre];
  }
  return y;
}

}  // namespace

TEST_CASE("NIR Conv2d + SumPool2d/AvgPool2d + IF unroll to the connectivity of a direct convolution", "[nir]") {
  // Input (2, 5, 6) -> Conv2d (4 out, 2 groups, 3x3, stride (1, 2), padding 1) -> IF -> pool 2x2 -> IF.
  const int C = 2, H = 5, W = 6, CO = 4, HO = 5, WO = 3, PH = 2, PW = 1;
  std::vector<double> w(CO * 1 * 3 * 3);
  for (size_t k = 0; k < w.size(); ++k) w[k] = std::sin(0.7 * k + 0.3);  // arbitrary, non-symmetric
  for (const std::string pool : {"SumPool2d", "AvgPool2d"}) {
    NirFixture f;
    f.add("in", "Input").p("shape", {C, H, W});
    auto& conv = f.add("conv", "Conv2d");
    conv.params.push_back({"weight", {{CO, 1, 3, 3}, w}});
    conv.p("stride", {1, 2}).scalar("padding", 1).scalar("dilation", 1).scalar("groups", 2).p("bias", {0, 0, 0, 0});
    conv.p("input_shape", {H, W});
    // r dt = 1000 * 0.001 s: input scale exactly 1.
    f.add("if1", "IF").scalar("r", 1000).scalar("v_threshold", 1);
    f.add("pool", pool).p("kernel_size", {2, 2}).p("stride", {2, 2}).p("padding", {0, 0});
    f.add("if2", "IF").scalar("r", 1000).scalar("v_threshold", 1);
    for (auto [a, b] : std::vector<std::pair<const char*, const char*>>{
             {"in", "conv"}, {"conv", "if1"}, {"if1", "pool"}, {"pool", "if2"}})
      f.edge(a, b);
    const auto res = import(f, "nir_conv", subtract(1.0));
    const ir::Projection& pc = projection(res.network, "in", "if1");
    const ir::Projection& pp = projection(res.network, "if1", "if2");
    CHECK(!pc.dense);
    CHECK(res.network.find("if1")->size == CO * HO * WO);
    CHECK(res.network.find("if2")->size == CO * PH * PW);
    std::vector<double> x(C * H * W);
    for (size_t k = 0; k < x.size(); ++k) x[k] = std::cos(1.3 * k);
    // Direct convolution over an explicitly zero-padded input; group g = co / 2 reads channel g.
    auto xp = [&](int c, int y, int xx) { return y < 0 || y >= H || xx < 0 || xx >= W ? 0.0 : x[(c * H + y) * W + xx]; };
    std::vector<double> y1(CO * HO * WO, 0.0);
    for (int co = 0; co < CO; ++co)
      for (int oy = 0; oy < HO; ++oy)
        for (int ox = 0; ox < WO; ++ox)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx)
              y1[(co * HO + oy) * WO + ox] += w[(co * 3 + ky) * 3 + kx] * xp(co / 2, oy - 1 + ky, ox * 2 - 1 + kx);
    const std::vector<double> got1 = apply(pc, x, y1.size());
    for (size_t k = 0; k < y1.size(); ++k) CHECK(got1[k] == Approx(y1[k]).margin(1e-12));
    std::vector<double> y2(CO * PH * PW, 0.0);
    for (int c = 0; c < CO; ++c)
      for (int py = 0; py < PH; ++py)
        for (int px = 0; px < PW; ++px)
          for (int ky = 0; ky < 2; ++ky)
            for (int kx = 0; kx < 2; ++kx)
              y2[(c * PH + py) * PW + px] += (pool == "AvgPool2d" ? 0.25 : 1.0) * y1[(c * HO + 2 * py + ky) * WO + 2 * px + kx];
    const std::vector<double> got2 = apply(pp, y1, y2.size());
    for (size_t k = 0; k < y2.size(); ++k) CHECK(got2[k] == Approx(y2[k]).margin(1e-12));
  }
}

TEST_CASE("NIR Delay: whole steps become the projection's delay, fractions and over 64 steps are refused", "[nir]") {
  auto with_delay = [](double delay_s, double second_s) {
    NirFixture f;
    f.add("in", "Input").p("shape", {2});
    f.add("w", "Linear").matrix("weight", 2, 2, {1, 2, 3, 4});
    f.add("d", "Delay").p("delay", {delay_s, second_s});
    f.add("lif", "LIF").scalar("tau", 0.01).scalar("r", 10).scalar("v_leak", 0).scalar("v_threshold", 1);
    f.edge("in", "w");
    f.edge("w", "d");
    f.edge("d", "lif");
    return f;
  };
  // dt = 1 ms: a delay of k ms is k steps (issue #14); 1 step is the chip's plain synaptic delay.
  for (uint32_t steps : {1u, 2u, 5u, 64u}) {
    INFO(steps << " steps");
    const double s = steps * 0.001;
    const auto res = import(with_delay(s, s), "nir_delay" + std::to_string(steps), subtract(1.0));
    const ir::Projection& p = projection(res.network, "in", "lif");
    CHECK(p.weights == std::vector<double>{1, 2, 3, 4});  // r dt / tau = 1
    CHECK(p.delay_steps == steps);
    bool noted = false;
    for (const auto& r : res.rows) noted = noted || r.note == std::to_string(steps) + "-step delay";
    CHECK(noted);
  }
  CHECK(import_error(with_delay(0.065, 0.065), "nir_delay65").find("delay of 65 steps; nchip's delay ring holds at most 64") !=
        std::string::npos);
  CHECK(import_error(with_delay(0.0015, 0.0015), "nir_delay15").find("not a whole number") != std::string::npos);
  CHECK(import_error(with_delay(0.002, 0.003), "nir_delay23").find("per-neuron delays differ") != std::string::npos);
}

TEST_CASE("NIR parameters of any integer or float type, scalars broadcast", "[nir]") {
  const std::string path = test::scratch_dir("nir_int") + "/net.nir";
  {
    nir::Hdf5Writer w(path);
    w.string("/version", "0.2.0");
    w.group("/node");
    w.string("/node/type", "NIRGraph");
    w.group("/node/nodes");
    for (const char* g : {"in", "w", "lif"}) w.group(std::string("/node/nodes/") + g);
    w.string("/node/nodes/in/type", "Input");
    w.integers("/node/nodes/in/shape", {1}, {2});
    w.string("/node/nodes/w/type", "Linear");
    w.integers("/node/nodes/w/weight", {3, 2}, {1, -2, 3, 0, 5, 7});  // integer weights
    w.string("/node/nodes/lif/type", "LIF");
    w.integers("/node/nodes/lif/tau", {}, {4});  // scalars, integers
    w.integers("/node/nodes/lif/r", {}, {2});
    w.integers("/node/nodes/lif/v_leak", {}, {0});
    w.numeric("/node/nodes/lif/v_threshold", {3}, {0.5, 1.0, 2.0});  // per neuron: folded into the weights
    w.strings("/node/edges", {2, 2}, {"in", "w", "w", "lif"});
    w.close();
  }
  // dt = 1 ms = 0.001 in the file's seconds, exact: alpha = exp(-0.00025), scale 2 (1 - alpha).
  const auto res = nir::import_nir_file(path, subtract(1.0, nir::Discretization::exact));
  const ir::Population& lif = *res.network.find("lif");
  CHECK(lif.size == 3);
  CHECK(lif.v_th == 1.0);
  CHECK(lif.tau_m_ms == Approx(4000.0).epsilon(1e-12));
  const double s = 2 * (1 - std::exp(-0.001 / 4));
  const auto& p = projection(res.network, "in", "lif");
  const std::vector<double> expected = {1 * s / 0.5, -2 * s / 0.5, 3 * s, 0, 5 * s / 2, 7 * s / 2};
  for (size_t k = 0; k < 6; ++k) CHECK(p.weights[k] == Approx(expected[k]).epsilon(1e-12));
}

TEST_CASE("NIR from Norse (r = 1, tau = 1/tau_mem_inv): euler with --dt-ms gives Norse's update", "[nir]") {
  // Norse's LIF box cell: v += dt * tau_mem_inv * ((v_leak - v) + I); tau_mem_inv = 50 /s, dt = 1 ms:
  // alpha = 1 - 0.05, and the input enters scaled by 0.05.
  const auto res = import(test::lif_fixture(1.0 / 50, 1.0, 0.3), "nir_norse", subtract(1.0));
  const ir::Population& lif = *res.network.find("lif");
  CHECK(std::abs(std::exp(-1.0 / lif.tau_m_ms) - 0.95) < 1e-12);
  CHECK(projection(res.network, "in", "lif").weights[4] == Approx(2.0 * 0.05).epsilon(1e-12));
}

TEST_CASE("NIR files written by the NIR package itself (nir.write) import as their parameters say", "[nir]") {
  // tests/compiler/nir_data/make_official_fixtures.py wrote these with the reference writer.
  const std::string dir = test::source_path("tests/compiler/nir_data/");
  {
    const std::string path = dir + "official_rec.nir";
    const auto res = nir::import_nir_file(path, subtract(std::nullopt));  // snnTorch's r = tau/dt implies dt
    CHECK(res.network.dt_ms == 0.1);
    const ir::Population& lif = *res.network.find("rec.lif");
    CHECK(std::abs(std::exp(-0.1 / lif.tau_m_ms) - 0.9) < 1e-6);  // float32 tau
    // The file's own numbers, read independently: weights pass with scale 1, the bias becomes the readout's.
    nir::Hdf5Reader file(hdf5::read_file_image(path));
    const auto fc2 = file.read_numeric("/node/nodes/fc2/weight");
    const auto w_rec = file.read_numeric("/node/nodes/rec/nodes/w_rec/weight");
    CHECK(projection(res.network, "rec.lif", "li").weights == fc2.values);
    CHECK(projection(res.network, "rec.lif", "rec.lif").weights == w_rec.values);
    const ir::Population& li = *res.network.find("li");
    REQUIRE(li.bias.size() == 2);
    CHECK(li.bias[0] == Approx(0.1).epsilon(1e-6));
    CHECK(li.bias[1] == Approx(-0.1).epsilon(1e-6));
  }
  {
    const auto res = nir::import_nir_file(dir + "official_conv.nir", subtract(0.1));
    CHECK(res.network.find("if1")->size == 72);
    const ir::Projection& conv = projection(res.network, "input", "if1");
    REQUIRE(!conv.dense);
    CHECK(conv.synapses.size() == 512);  // 3x3 'same' on 6x6: 16 x 16 taps in range per channel, 2 channels
    bool delayed = false;
    for (const auto& r : res.rows) delayed = delayed || (r.became == "projection 'if1' -> 'lif' (4 x 72)" && r.note == "1-step delay");
    CHECK(delayed);
  }
}

TEST_CASE("NIR time constants in ms (--time-unit ms) give the same network as in seconds", "[nir]") {
  nir::ImportOptions ms = subtract(0.5);
  ms.time_unit_ms = 1.0;
  const auto in_s = import(test::lif_fixture(0.002, 3.0, 0.7), "nir_unit_s", subtract(0.5));
  const auto in_ms = import(test::lif_fixture(2.0, 3.0, 0.7), "nir_unit_ms", ms);
  CHECK(in_s.network.find("lif")->tau_m_ms == Approx(in_ms.network.find("lif")->tau_m_ms).epsilon(1e-12));
  const auto& a = projection(in_s.network, "in", "lif").weights;
  const auto& b = projection(in_ms.network, "in", "lif").weights;
  REQUIRE(a.size() == b.size());
  for (size_t k = 0; k < a.size(); ++k) CHECK(a[k] == Approx(b[k]).epsilon(1e-12));
}

// Found by tests/fuzz/fuzz_nir: snntorch_like.nir with the float type of /node/nodes/li/r mutated so
// its exponent and mantissa fields lie beyond its 4 bytes. libhdf5 converted it by those fields and
// read past its buffer (SEGV, exit 139 from nchip import); the reader now takes IEEE float32/64 only.
TEST_CASE("NIR a float dataset whose type is not IEEE float32/64 is refused before reading", "[nir]") {
  const std::string path = test::source_path("tests/compiler/nir_data/fuzz_float_type_beyond_size.nir");
  std::string message = "no error";
  try {
    nir::import_nir_file(path, subtract(1.0));
  } catch (const InputError& e) {
    message = e.what();
  }
  CHECK(message == path + ": /node/nodes/li/r: stored float type is not IEEE float32 or float64");
}
