// The index layout of the plain-C++ NoC models (NocEngine, FastNoc), wired as Chip's constructor
// and Tile wire the threads: tile t's FIFOs at kFifosPerTile * t + p (router input port p, then
// the core's receive queue) and its links at the same indices (router output port p, then the
// core's injection link); the host's link after all tiles'.
#pragma once

#include <cstdint>

#include "hw_model/systemc/stats.hpp"

namespace nchip::systemc::noc_layout {

inline constexpr int kFifosPerTile = 6;  // five router input ports and the core's receive queue
inline constexpr int kCoreQueue = kPortLocal + 1;  // ... and, among the links, the core's injection link

inline int32_t fifo(uint32_t tile, int port) { return static_cast<int32_t>(tile * kFifosPerTile + port); }

// The FIFO that link `port` of tile t feeds: east of (x, y) feeds the west port of (x + 1, y), and
// so on; the router's local output feeds its core's receive queue; the core's injection link
// feeds the router's local input. -1: off the mesh.
inline int32_t link_dest(uint32_t t, int port, uint32_t width, uint32_t height) {
  const uint32_t x = t % width, y = t / width;
  switch (port) {
    case kPortEast: return x + 1 < width ? fifo(t + 1, kPortWest) : -1;
    case kPortWest: return x > 0 ? fifo(t - 1, kPortEast) : -1;
    case kPortNorth: return y > 0 ? fifo(t - width, kPortSouth) : -1;
    case kPortSouth: return y + 1 < height ? fifo(t + width, kPortNorth) : -1;
    case kPortLocal: return fifo(t, kCoreQueue);
    default: return fifo(t, kPortLocal);  // the core's injection link
  }
}

}  // namespace nchip::systemc::noc_layout
