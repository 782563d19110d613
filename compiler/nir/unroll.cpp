#include "compiler/nir/unroll.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace nchip::nir {

Unrolled unroll_kernel(const KernelGeometry& g, uint64_t max_entries) {
  const bool conv = g.weight != nullptr;
  const int64_t H = g.height, W = g.width;
  const uint32_t cig = conv ? static_cast<uint32_t>(g.channels_in / g.groups) : 1;
  if (conv && (g.groups == 0 || g.channels_in % g.groups != 0 || g.channels_out % g.groups != 0))
    throw std::invalid_argument(fmt::format("groups = {} does not divide C_in = {} and C_out = {}", g.groups,
                                            g.channels_in, g.channels_out));
  const int64_t kernel[2] = {g.kernel_h, g.kernel_w};
  const int64_t extent[2] = {H, W};
  int64_t out[2] = {0, 0};
  for (int a = 0; a < 2; ++a) {
    const int64_t span = extent[a] + g.pad_lo[a] + g.pad_hi[a] - g.dilation[a] * (kernel[a] - 1) - 1;
    if (span < 0) throw std::invalid_argument(fmt::format("kernel larger than the padded input ({} x {})", H, W));
    out[a] = span / g.stride[a] + 1;
  }
  const uint32_t co = g.channels_out;
  const uint64_t rows = uint64_t{co} * out[0] * out[1];
  if (rows * g.kernel_h * g.kernel_w * cig > max_entries) throw std::invalid_argument("too large to unroll");
  Unrolled u;
  u.out_shape = g.one_d ? std::vector<uint32_t>{co, static_cast<uint32_t>(out[1])}
                        : std::vector<uint32_t>{co, static_cast<uint32_t>(out[0]), static_cast<uint32_t>(out[1])};
  u.m.rows = static_cast<uint32_t>(rows);
  u.m.cols = static_cast<uint32_t>(g.channels_in * H * W);
  u.m.entries.resize(rows);
  u.bias.assign(rows, 0.0);
  const uint32_t per_group_out = conv ? co / g.groups : 1;
  for (uint32_t c = 0; c < co; ++c)
    for (int64_t oy = 0; oy < out[0]; ++oy)
      for (int64_t ox = 0; ox < out[1]; ++ox) {
        const size_t row = (size_t{c} * out[0] + oy) * out[1] + ox;
        if (!g.bias.empty()) u.bias[row] = g.bias[c];
        for (uint32_t cl = 0; cl < cig; ++cl) {
          // Output channel c of group c / per_group_out reads that group's input channels.
          const int64_t ci = conv ? int64_t{c / per_group_out} * cig + cl : c;
          for (uint32_t ky = 0; ky < g.kernel_h; ++ky)
            for (uint32_t kx = 0; kx < g.kernel_w; ++kx) {
              const int64_t iy = oy * g.stride[0] - g.pad_lo[0] + ky * g.dilation[0];
              const int64_t ix = ox * g.stride[1] - g.pad_lo[1] + kx * g.dilation[1];
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;  // zero padding
              const double w =
                  conv ? (*g.weight)[((size_t{c} * cig + cl) * g.kernel_h + ky) * g.kernel_w + kx] : g.pool_weight;
              if (w != 0.0) u.m.entries[row].push_back({static_cast<uint32_t>((ci * H + iy) * W + ix), w});
            }
        }
      }
  // Distinct taps read distinct inputs (dilation >= 1), so a row only needs sorting.
  for (auto& r : u.m.entries) std::sort(r.begin(), r.end());
  return u;
}

}  // namespace nchip::nir
