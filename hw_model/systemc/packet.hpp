// A spike packet on the mesh: the sender's routing key (neuron i of a slice sends key | i) and the
// bookkeeping the statistics need. A packet is one flit when it fits the link width.
#pragma once

#include <cstdint>

namespace nchip::systemc {

struct Packet {
  uint32_t key = 0;
  uint32_t hops = 0;        // router-to-router links crossed so far
  uint64_t sent_cycle = 0;  // cycle (since the model started) at which it was injected
};

}  // namespace nchip::systemc
