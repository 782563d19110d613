// The eligibility-trace unit of a core's PlasticityEngine as something that can be swapped: by
// default the engine calls arith::etu_update itself; with an EtuUnit attached (nchip train
// --rtl-etu CORE: the Verilated RTL, runtime/backend) it hands the step's updates of that core to
// the unit as one batch, which must compute exactly what etu_update computes - state written back
// in place, saturations counted into ops.sat - and says how many cycles it took.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/arith/eligibility.hpp"

namespace nchip::systemc {

struct EtuRequest {
  arith::EtuNeuronInput<arith::FixedOps> neuron;
  arith::Num<arith::FixedOps, arith::Quantity::trace> zbar;
  arith::EtuSynapseState<arith::FixedOps>* state = nullptr;  // read, then written back
  arith::DrawKey key;
};

class EtuUnit {
 public:
  virtual ~EtuUnit() = default;
  // Runs every request (each synapse at most once per batch: the unit has no hazard check) and
  // returns the unit's cycles for the batch.
  virtual uint64_t run(const arith::FixedOps& ops, const std::vector<EtuRequest>& batch) = 0;
};

}  // namespace nchip::systemc
