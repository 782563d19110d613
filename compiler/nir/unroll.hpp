// Convolution and pooling written out as a sparse matrix from the flattened input (C, H, W) to the
// flattened output (C_out, H_out, W_out), so the compiler maps them like any projection. The
// definition is PyTorch's (what the NIR exporters take their parameters from): cross-correlation,
// zero padding, dilation, groups; sum pooling, and average pooling that divides by the whole
// kernel area (count_include_pad). A 1-D convolution is a 2-D one with H = 1.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/nir/sparse_matrix.hpp"

namespace nchip::nir {

struct KernelGeometry {
  int64_t channels_in = 1, height = 1, width = 1;  // input (C, H, W)
  uint32_t channels_out = 1;   // pooling: = channels_in
  uint32_t groups = 1;         // convolution: C_in and C_out split into this many groups
  uint32_t kernel_h = 1, kernel_w = 1;
  int64_t stride[2] = {1, 1}, dilation[2] = {1, 1}, pad_lo[2] = {0, 0}, pad_hi[2] = {0, 0};  // (H, W)
  const std::vector<double>* weight = nullptr;  // convolution: (C_out, C_in / groups, kernel_h, kernel_w)
  double pool_weight = 1.0;                     // pooling (weight == nullptr): 1, or 1 / area for average
  std::vector<double> bias;                     // per output channel, or empty
  bool one_d = false;                           // output shape (C_out, W_out)
};

struct Unrolled {
  std::vector<uint32_t> out_shape;  // (C_out, H_out, W_out), or (C_out, W_out) when one_d
  SparseMatrix m;                   // out_size x in_size, rows sorted by column
  std::vector<double> bias;         // out_size: the channel's bias at every position
};

// std::invalid_argument (with the reason) for a kernel larger than the padded input, groups that
// do not divide the channels, or more than `max_entries` synapses.
Unrolled unroll_kernel(const KernelGeometry& g, uint64_t max_entries);

}  // namespace nchip::nir
