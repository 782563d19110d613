// The recurrent CubaLIF network of the shape snnTorch exports (issue #14): Input(12) -> Linear ->
// CubaLIF(40) with an Affine recurrent edge -> Linear -> CubaLIF(7) -> Output, and an LI readout
// of the recurrent layer. snnTorch's Synaptic neuron at its dt = 1e-4 s with alpha (synaptic) and
// beta (membrane) is written as tau_syn = dt / (1 - alpha), tau_mem = dt / (1 - beta),
// r = tau_mem / dt, w_in = tau_syn / dt, so every input scale is 1 and the file implies dt.
// with_cuba_li adds a CubaLI readout of the recurrent layer.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/arith/counter_rng.hpp"
#include "nir_fixture.hpp"

namespace nchip::test {

struct SnnTorchCuba {
  static constexpr uint32_t kIn = 12, kRec = 40, kOut = 7, kRead = 3;
  static constexpr double kDtS = 1e-4, kAlpha = 0.8, kBeta = 0.9, kVth = 1.0;
  std::vector<double> w_in, w_rec, w_out, w_read;  // row-major [post][pre]
  std::vector<double> v_leak_rec;                  // per recurrent neuron (0 without bias)
};

inline std::vector<double> random_matrix(uint32_t rows, uint32_t cols, double gain, uint64_t seed, bool zero_diagonal) {
  std::vector<double> m(size_t{rows} * cols);
  for (uint32_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < cols; ++c)
      m[size_t{r} * cols + c] = zero_diagonal && r == c ? 0.0
                                                         : gain * (2 * arith::counter_uniform({seed, 7, r, c}) - 1);
  return m;
}

inline SnnTorchCuba snntorch_cuba_weights(bool bias) {
  SnnTorchCuba n;
  n.w_in = random_matrix(n.kRec, n.kIn, 0.45, 1, false);
  n.w_rec = random_matrix(n.kRec, n.kRec, 0.12, 2, true);
  n.w_out = random_matrix(n.kOut, n.kRec, 0.3, 3, false);
  n.w_read = random_matrix(n.kRead, n.kRec, 0.5, 4, false);
  n.v_leak_rec.assign(n.kRec, 0.0);
  if (bias)
    for (uint32_t j = 0; j < n.kRec; ++j) n.v_leak_rec[j] = 0.3 * arith::counter_uniform({5, 7, j, 0});
  return n;
}

inline NirFixture snntorch_cuba_fixture(const SnnTorchCuba& n) {
  const double tau_syn = n.kDtS / (1 - n.kAlpha), tau_mem = n.kDtS / (1 - n.kBeta);
  NirFixture f;
  f.add("input", "Input").p("shape", {double(n.kIn)});
  f.add("fc1", "Linear").matrix("weight", n.kRec, n.kIn, n.w_in);
  auto cuba = [&](const char* name, uint32_t size, std::vector<double> v_leak) -> NirFixtureNode& {
    return f.add(name, "CubaLIF")
        .p("tau_syn", std::vector<double>(size, tau_syn))
        .p("tau_mem", std::vector<double>(size, tau_mem))
        .p("r", std::vector<double>(size, tau_mem / n.kDtS))
        .p("w_in", std::vector<double>(size, tau_syn / n.kDtS))
        .p("v_leak", std::move(v_leak))
        .p("v_threshold", std::vector<double>(size, n.kVth))
        .p("v_reset", std::vector<double>(size, 0.0));
  };
  cuba("rec", n.kRec, n.v_leak_rec);
  f.add("rec_w", "Affine").matrix("weight", n.kRec, n.kRec, n.w_rec).p("bias", std::vector<double>(n.kRec, 0.0));
  f.add("fc2", "Linear").matrix("weight", n.kOut, n.kRec, n.w_out);
  cuba("out", n.kOut, std::vector<double>(n.kOut, 0.0));
  f.add("fc3", "Linear").matrix("weight", n.kRead, n.kRec, n.w_read);
  f.add("li", "LI").scalar("tau", tau_mem).scalar("r", tau_mem / n.kDtS).scalar("v_leak", 0.0);
  f.add("output", "Output").p("shape", {double(n.kOut)});
  f.add("readout", "Output").p("shape", {double(n.kRead)});
  for (auto [a, b] : {std::pair{"input", "fc1"}, {"fc1", "rec"}, {"rec", "rec_w"}, {"rec_w", "rec"}, {"rec", "fc2"},
                      {"fc2", "out"}, {"out", "output"}, {"rec", "fc3"}, {"fc3", "li"}, {"li", "readout"}})
    f.edge(a, b);
  return f;
}

// The snnTorch-shaped network with a CubaLI readout 'cli' of the recurrent layer (3 neurons):
// tau_mem / r = dt as every other node (the file implies dt = 0.1 ms), w_in and v_leak not 1 / 0.
struct CubaLi {
  static constexpr uint32_t kSize = 3;
  static constexpr double kTauSynS = 3e-4, kTauMemS = 8e-4, kR = 8, kWIn = 0.7, kVLeak = 0.1;
  std::vector<double> w = random_matrix(kSize, SnnTorchCuba::kRec, 0.6, 9, false);
};

inline NirFixture with_cuba_li(const SnnTorchCuba& n, const CubaLi& c) {
  NirFixture f = snntorch_cuba_fixture(n);
  f.add("fc4", "Linear").matrix("weight", c.kSize, n.kRec, c.w);
  f.add("cli", "CubaLI").scalar("tau_syn", c.kTauSynS).scalar("tau_mem", c.kTauMemS).scalar("r", c.kR)
      .scalar("w_in", c.kWIn).scalar("v_leak", c.kVLeak);
  f.add("cli_out", "Output").p("shape", {double(c.kSize)});
  f.edge("rec", "fc4");
  f.edge("fc4", "cli");
  f.edge("cli", "cli_out");
  return f;
}

}  // namespace nchip::test
