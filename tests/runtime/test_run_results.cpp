// nchip run --out streams its recording to disk while the run goes (issue #15, 10^7-step
// recordings): StreamedRunResults must write, byte for byte, what the plain definition
// (results_json on the whole Recording, dump(1)) writes, for every shape of network and option.
#include <catch2/catch.hpp>

#include <filesystem>

#include "compiler/lower.hpp"
#include "compiler/mapping_test_helpers.hpp"
#include "compiler/passes/quantize.hpp"
#include "hw_model/functional/run.hpp"
#include "runtime/cli/run_results.hpp"
#include "support/cli_runner.hpp"

using namespace nchip;
using T = ir::PopulationType;

namespace {

// Inputs that fire often enough to make the neurons spike: each (step, input) by a hash.
functional::InputSpikes inputs(uint32_t steps, uint32_t n_inputs) {
  functional::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < n_inputs; ++i)
      if (test::test_weight(uint64_t{t} * 131 + i) > 0.1) in[t].push_back(i);
  return in;
}

// Runs `net` once, into the plain Recording and the streamed file together; returns both texts.
std::pair<std::string, std::string> both_ways(const ir::Network& net, const std::string& mode, uint32_t steps,
                                              bool voltages, const std::string& name) {
  const std::string path = test::scratch_dir("run_results_" + name) + "/out.json";
  runtime::RunCounts counts;
  model::RecordingCollector collector;
  runtime::StreamedRunResults streamed(path, net);
  model::RecordingTee sink({&counts, &collector, &streamed});
  const functional::InputSpikes in = inputs(steps, net.populations[0].size);
  if (mode == "float") {
    const arith::FloatOps ops;
    functional::run_network(compiler::lower(net, ops), ops, in, steps, 5, voltages, sink);
  } else {
    arith::SaturationCounts sat;
    const arith::QuantConfig quant;
    const arith::FixedOps ops(quant, sat);
    functional::run_network(compiler::lower_for_fixed_point(net, quant), ops, in, steps, 5, voltages, sink);
  }
  const auto summary = runtime::summarize(net, steps, counts.spikes_per_neuron);
  streamed.commit(runtime::results_head_json(net, mode, 5, steps, counts.synaptic_events, counts.saturations, summary));
  const model::Recording rec = collector.take();
  const std::string plain = runtime::results_json(net, mode, 5, rec, summary).dump(1) + "\n";
  // The summary counted while streaming is the one counted from the whole recording.
  std::vector<uint64_t> per_neuron(rec.n_neurons, 0);
  for (const auto& step : rec.spikes)
    for (uint32_t j : step) ++per_neuron[j];
  CHECK(per_neuron == counts.spikes_per_neuron);
  return {plain, test::slurp(path)};
}

ir::Network lif_alif_readout() {
  ir::Network net;
  net.name = "mixed";
  // Not in name order, so the per-population lists must be sorted as nlohmann sorts keys.
  net.populations = {test::pop("in", T::input, 6), test::pop("zeta", T::lif, 5), test::pop("alpha", T::alif, 4),
                     test::pop("quiet", T::lif, 2), test::pop("y2", T::readout, 2), test::pop("y1", T::readout, 3)};
  net.populations[3].v_th = 100;  // never fires: an empty spike list, "[]"
  net.projections = {test::dense(net, "in", "zeta"), test::dense(net, "in", "alpha"), test::dense(net, "zeta", "zeta"),
                     test::dense(net, "alpha", "zeta"), test::dense(net, "zeta", "alpha"), test::dense(net, "in", "quiet"),
                     test::dense(net, "zeta", "y1"), test::dense(net, "alpha", "y2")};
  for (auto& p : net.projections)
    for (double& w : p.weights) w *= 3;  // enough drive to spike
  return net;
}

}  // namespace

TEST_CASE("streamed run results equal the plain definition byte for byte", "[run][streaming]") {
  const ir::Network net = lif_alif_readout();
  int case_index = 0;
  for (const std::string mode : {"float", "fixed"})
    for (const bool voltages : {false, true})
      for (const uint32_t steps : {1u, 7u, 300u}) {
        INFO(mode << " voltages " << voltages << " steps " << steps);
        const auto [plain, streamed] = both_ways(net, mode, steps, voltages, std::to_string(case_index++));
        CHECK(streamed == plain);
        CHECK((plain.find("\"voltages\"") != std::string::npos) == voltages);
      }
  // The case has spikes in both spiking populations that fire (else it would prove little).
  const auto [plain, streamed] = both_ways(net, "fixed", 300, false, "spikes");
  CHECK(plain.find("\"zeta\": [\n   [") != std::string::npos);
  CHECK(plain.find("\"alpha\": [\n   [") != std::string::npos);
  CHECK(plain.find("\"quiet\": []") != std::string::npos);
}

TEST_CASE("streamed run results of networks without readouts or without spiking neurons", "[run][streaming]") {
  ir::Network no_readout;
  no_readout.name = "no_readout";
  no_readout.populations = {test::pop("in", T::input, 3), test::pop("rec", T::lif, 4)};
  no_readout.projections = {test::dense(no_readout, "in", "rec")};
  for (double& w : no_readout.projections[0].weights) w *= 4;
  const auto [a, b] = both_ways(no_readout, "fixed", 50, true, "no_readout");
  CHECK(b == a);
  CHECK(a.find("\"readouts\": {}") != std::string::npos);

  // Readouts read spiking neurons only (an input cannot project onto one): a readout with its bias alone.
  ir::Network only_readout;
  only_readout.name = "only_readout";
  only_readout.populations = {test::pop("in", T::input, 3), test::pop("y", T::readout, 2)};
  only_readout.populations[1].bias = {0.25, -0.5};
  const auto [c, d] = both_ways(only_readout, "float", 20, true, "only_readout");
  CHECK(d == c);
  CHECK(c.find("\"spikes\": {}") != std::string::npos);
  CHECK(c.find("\"voltages\"") == std::string::npos);  // no neuron has a voltage to list
}

TEST_CASE("streamed run results leave no file when the run ends before commit", "[run][streaming]") {
  const std::string dir = test::scratch_dir("run_results_abort");
  const ir::Network net = lif_alif_readout();
  {
    runtime::StreamedRunResults streamed(dir + "/out.json", net);
    const std::vector<double> readouts(5, 0.25);
    streamed.step({0, 3}, readouts, {}, {});
  }  // destroyed without commit (an error during the run)
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}) == 0);
  // An output that cannot be created is refused before the run, in one line.
  try {
    runtime::StreamedRunResults streamed(dir + "/missing/out.json", net);
    FAIL("accepted an output in a folder that does not exist");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).rfind(dir + "/missing/out.json: cannot write: ", 0) == 0);
  }
}
