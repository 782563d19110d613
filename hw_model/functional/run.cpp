#include "hw_model/functional/run.hpp"

namespace nchip::functional {

namespace {
arith::SaturationCounts saturations_of(const arith::FloatOps&) { return {}; }
arith::SaturationCounts saturations_of(const arith::FixedOps& ops) { return *ops.sat; }
}  // namespace

template <class Ops>
Recording run_network(const model::NetworkModel<Ops>& model, Ops ops, const InputSpikes& inputs,
                      uint32_t steps, uint64_t seed, bool record_voltages) {
  Simulator<Ops> sim(model, ops, seed);
  Recording rec;
  rec.steps = steps;
  rec.n_neurons = model.n_neurons();
  rec.n_readouts = model.n_readouts();
  rec.spikes.reserve(steps);
  rec.readouts.reserve(size_t{steps} * rec.n_readouts);
  if (record_voltages) rec.voltages.reserve(size_t{steps} * rec.n_neurons);
  const std::vector<uint32_t> no_input;
  for (uint32_t t = 0; t < steps; ++t) {
    sim.step(t < inputs.size() ? inputs[t] : no_input);
    rec.spikes.push_back(sim.spikes());
    for (const auto& y : sim.readouts()) rec.readouts.push_back(real(ops, y));
    if (record_voltages)
      for (const auto& s : sim.neurons()) {
        rec.voltages.push_back(real(ops, s.v));
        rec.currents.push_back(real(ops, s.i));
      }
  }
  rec.synaptic_events = sim.synaptic_events();
  rec.saturations = saturations_of(ops);
  return rec;
}

template Recording run_network(const model::NetworkModel<arith::FloatOps>&, arith::FloatOps,
                               const InputSpikes&, uint32_t, uint64_t, bool);
template Recording run_network(const model::NetworkModel<arith::FixedOps>&, arith::FixedOps,
                               const InputSpikes&, uint32_t, uint64_t, bool);

Recording run_image(const image::ChipImage& im, const InputSpikes& inputs, uint32_t steps, uint64_t seed,
                    bool record_voltages) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(im.quant, counts);
  return run_network(im.network, ops, inputs, steps, seed, record_voltages);
}

}  // namespace nchip::functional
