// What quantizing the weights cost, per projection: the sums the compile report's max error, RMS
// error and SNR come from. One definition of the summing order, shared by the lowering (which sums
// a sparse projection's synapses while it writes them: its float weights are read there anyway,
// and a second scattered pass over 10^8 of them cost seconds) and the quantize pass (dense
// projections, and matrices whose rows had to be re-sorted after the lowering wrote them): each
// synapse matrix is cut into chunks of kSynapsesPerErrorChunk synapses in matrix order, a chunk
// sums its synapses in matrix order, and a projection's chunk sums are added in chunk order. The
// same additions in the same order for any thread count, so the image's report bytes are too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nchip::compiler {

inline constexpr size_t kSynapsesPerErrorChunk = size_t{1} << 20;
inline constexpr size_t kNoSynapse = SIZE_MAX;

struct WeightError {
  double max_abs_weight = 0.0, max_abs_error = 0.0, signal = 0.0, noise = 0.0;
  uint64_t n = 0;
  int exponent = 0;

  // One synapse: its float weight w, the real value q of its quantized weight, its exponent.
  void add(double w, double q, int e) {
    const double err = q - w;
    max_abs_weight = std::max(max_abs_weight, std::fabs(w));
    max_abs_error = std::max(max_abs_error, std::fabs(err));
    signal += w * w;
    noise += err * err;
    exponent = e;
    ++n;
  }
  // The next chunk's sums (chunks added in chunk order).
  void merge(const WeightError& chunk) {
    if (chunk.n == 0) return;
    max_abs_weight = std::max(max_abs_weight, chunk.max_abs_weight);
    max_abs_error = std::max(max_abs_error, chunk.max_abs_error);
    signal += chunk.signal;
    noise += chunk.noise;
    exponent = chunk.exponent;
    n += chunk.n;
  }
};

// What lower<FixedOps> measured on the way (see lower.hpp), per matrix in the order input,
// recurrent, readout.
struct LoweringErrors {
  std::vector<WeightError> per_projection;  // sums of the sparse projections of the measured matrices
  bool measured[3] = {false, false, false};  // false: rows were re-sorted, the quantize pass sums this matrix
  size_t first_out_of_range[3] = {kNoSynapse, kNoSynapse, kNoSynapse};  // first sparse synapse, matrix order
  double first_out_of_range_weight[3] = {0.0, 0.0, 0.0};  // its float weight (its list may be released)
};

}  // namespace nchip::compiler
