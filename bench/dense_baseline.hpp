// The baseline the functional simulator is measured against: the same neuron updates (it calls
// arith::spiking_step / readout_step with FloatOps), but synaptic input computed as full dense
// matrix-vector products every step, the way a straightforward simulator would.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/model/network_model.hpp"

namespace nchip::bench {

struct DenseRun {
  uint64_t spikes = 0;
  uint64_t multiply_adds = 0;  // synaptic work done (every matrix entry, every step)
};

DenseRun run_dense_baseline(const model::NetworkModel<arith::FloatOps>& model,
                            const std::vector<std::vector<uint32_t>>& inputs, uint32_t steps);

}  // namespace nchip::bench
