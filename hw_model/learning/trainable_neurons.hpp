// Which neurons e-prop (and the float BPTT reference) can train. The eligibility traces of this
// engine are derived (hw_model/arith/presynaptic_trace.hpp, hw_model/learning/README.md) for LIF
// and ALIF (Bellec et al. 2019, eq. 22-28), with reset by subtraction or to zero, with or without
// leak (IF), with a bias, and for non-adaptive CUBA LIF (the synaptic filter in the presynaptic
// trace). An adaptive neuron with a synaptic current would need eps_a driven by the filtered
// trace as well, which is not derived: such a network is refused in one line instead of following
// a gradient of the wrong model.
#pragma once

#include <string>

#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

// Empty when every spiking population can be trained, else one line naming the first that cannot.
template <class Ops>
std::string untrainable_population(const model::NetworkModel<Ops>& model) {
  for (const model::PopulationSpan& span : model.populations) {
    if (span.role != model::PopulationRole::spiking || span.size == 0) continue;
    const arith::SpikingParams<Ops>& p = model.neurons.at(span.first);
    if (p.current_based && p.adaptive)
      return "population '" + span.name +
             "' (adaptive with a synaptic current): e-prop here has eligibility traces for lif, alif and "
             "non-adaptive cuba_lif; ALIF's eps_a (eq. 27) through a synaptic current is not derived: it can "
             "be compiled and run, not trained";
  }
  return {};
}

}  // namespace nchip::learning
