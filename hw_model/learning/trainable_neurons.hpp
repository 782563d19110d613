// Which neurons e-prop (and the float BPTT reference) can train: the eligibility traces of this
// engine are derived for LIF and ALIF (Bellec et al. 2019, eq. 22-28). A CUBA neuron's voltage
// sees its input through the synaptic current, so its eligibility needs that filter in the
// presynaptic trace (issue #14), which the engine does not have yet: training such a network is
// refused in one line instead of following a gradient of the wrong model.
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
    if (p.current_based)
      return "population '" + span.name +
             "' (cuba_lif): e-prop here has eligibility traces for lif and alif only (eq. 22-28); a "
             "current-based neuron needs the synaptic filter in its trace, which is not built: it can be "
             "compiled and run, not trained";
    if (p.reset_to_zero)
      return "population '" + span.name +
             "' (reset zero): e-prop's eligibility here assumes eq. 20's reset by subtraction, which keeps "
             "dv[t+1]/dv[t] = alpha; a reset to zero cuts that dependence after each spike and is not built: use "
             "\"reset\": \"subtract\" to train";
    if (!p.leaky)
      return "population '" + span.name +
             "' (leak false, IF): the presynaptic trace decays with the neuron's alpha (eq. 22), and alpha = 1 "
             "is not in the decay format: give it a tau_m_ms to train";
  }
  return {};
}

}  // namespace nchip::learning
