#include "hw_model/functional/run.hpp"

namespace nchip::functional {

namespace {
arith::SaturationCounts saturations_of(const arith::FloatOps&) { return {}; }
arith::SaturationCounts saturations_of(const arith::FixedOps& ops) { return *ops.sat; }
}  // namespace

template <class Ops>
void run_network(const model::NetworkModel<Ops>& model, Ops ops, const InputSpikes& inputs, uint32_t steps,
                 uint64_t seed, bool record_voltages, model::RecordingSink& sink) {
  Simulator<Ops> sim(model, ops, seed);
  sink.begin(steps, model.n_neurons(), model.n_readouts());
  // One step's values, reused: memory O(neurons) whatever the run's length.
  std::vector<double> readouts, voltages, currents;
  const std::vector<uint32_t> no_input;
  for (uint32_t t = 0; t < steps; ++t) {
    sim.step(t < inputs.size() ? inputs[t] : no_input);
    readouts.clear();
    for (const auto& y : sim.readouts()) readouts.push_back(real(ops, y));
    voltages.clear();
    currents.clear();
    if (record_voltages)
      for (const auto& s : sim.neurons()) {
        voltages.push_back(real(ops, s.v));
        currents.push_back(real(ops, s.i));
      }
    sink.step(sim.spikes(), readouts, voltages, currents);
  }
  sink.end(sim.synaptic_events(), saturations_of(ops));
}

template void run_network(const model::NetworkModel<arith::FloatOps>&, arith::FloatOps, const InputSpikes&, uint32_t,
                          uint64_t, bool, model::RecordingSink&);
template void run_network(const model::NetworkModel<arith::FixedOps>&, arith::FixedOps, const InputSpikes&, uint32_t,
                          uint64_t, bool, model::RecordingSink&);

void run_image(const image::ChipImage& im, const InputSpikes& inputs, uint32_t steps, uint64_t seed,
               bool record_voltages, model::RecordingSink& sink) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(im.quant, counts);
  run_network(im.network, ops, inputs, steps, seed, record_voltages, sink);
}

Recording run_image(const image::ChipImage& im, const InputSpikes& inputs, uint32_t steps, uint64_t seed,
                    bool record_voltages) {
  model::RecordingCollector collector;
  run_image(im, inputs, steps, seed, record_voltages, collector);
  return collector.take();
}

}  // namespace nchip::functional
