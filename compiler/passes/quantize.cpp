#include "compiler/passes/quantize.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compiler/lower.hpp"
#include "compiler/parallel_chunks.hpp"
#include "compiler/passes/validate_chip.hpp"
#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

struct Sums {
  double max_abs_weight = 0.0, max_abs_error = 0.0, signal = 0.0, noise = 0.0;
  uint64_t n = 0;
  int exponent = 0;
};

// Error sums are formed per chunk of this many synapses (see quantize).
constexpr size_t kSynapsesPerSumChunk = size_t{1} << 20;
constexpr size_t kPrefetchAhead = 16;

}  // namespace

Quantized quantize(const ir::Network& network, const arith::QuantConfig& quant, unsigned threads) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(quant, counts);
  Quantized out;
  out.network = lower(network, ops, threads);

  const size_t n_projections = network.projections.size();
  std::vector<Sums> sums(n_projections);
  const arith::Format& wf = quant[arith::Quantity::weight];
  const double upper = wf.max_real() + wf.lsb() / 2, lower_limit = wf.min_real() - wf.lsb() / 2;
  // Each matrix is cut into chunks of a fixed size (not per thread), each chunk sums its own
  // projections' errors, and the chunks' sums are added in chunk order: the same additions in the
  // same order for any thread count. A chunk that finds a weight out of range throws, and the
  // lowest such chunk's error is the one reported: the first such synapse in matrix order.
  const auto visit = [&](const model::SynapseMatrix<arith::FixedOps>& m) {
    const size_t chunks = (m.size() + kSynapsesPerSumChunk - 1) / kSynapsesPerSumChunk;
    std::vector<std::vector<Sums>> partial(chunks);
    parallel_chunks(chunks, threads, [&](size_t c) {
      std::vector<Sums>& part = partial[c];
      part.assign(n_projections, Sums{});
      // The format's limits, and the powers of two of the current exponent: ldexp(x, n) is
      // x * 2^n rounded once, and so is the product with the exact power (a normal double for
      // these n), so hoisting them out of the per-synapse loop changes no bit.
      int cached_e = 0;
      double raw_scale = std::ldexp(1.0, -wf.frac), weight_scale = 1.0;
      const size_t end = std::min(m.size(), (c + 1) * kSynapsesPerSumChunk);
      for (size_t i = c * kSynapsesPerSumChunk; i < end; ++i) {
        if (i + kPrefetchAhead < end) {  // the IR read is scattered: request it early (a hint only)
          const auto& ahead = m.origin[i + kPrefetchAhead];
          const auto& proj = network.projections[ahead.projection];
          __builtin_prefetch(proj.dense ? static_cast<const void*>(&proj.weights[ahead.position])
                                        : static_cast<const void*>(&proj.synapses[ahead.position]));
        }
        const auto& o = m.origin[i];
        const auto& proj = network.projections[o.projection];
        const double w = proj.dense ? proj.weights[o.position] : proj.synapses[o.position].weight;
        const int e = m.exponent[i];
        if (e != cached_e) {
          cached_e = e;
          raw_scale = std::ldexp(1.0, e - wf.frac);
          weight_scale = std::ldexp(1.0, -e);
        }
        const double q = static_cast<double>(m.weight[i].raw) * raw_scale;
        const double scaled = w * weight_scale;
        if (scaled > upper || scaled < lower_limit)
          throw InputError(fmt::format(
              "projection {} ('{}' -> '{}'): weight {} is out of range after scaling: format {} with "
              "exponent {} reaches {} to {}; scale the weights down or widen formats.weight",
              o.projection, proj.source, proj.target, w, wf.describe(), e,
              std::ldexp(wf.min_real(), e), std::ldexp(wf.max_real(), e)));
        Sums& s = part[o.projection];
        const double err = q - w;
        s.max_abs_weight = std::max(s.max_abs_weight, std::fabs(w));
        s.max_abs_error = std::max(s.max_abs_error, std::fabs(err));
        s.signal += w * w;
        s.noise += err * err;
        s.exponent = e;
        ++s.n;
      }
    });
    for (const auto& part : partial)
      for (size_t p = 0; p < n_projections; ++p) {
        const Sums& from = part[p];
        if (from.n == 0) continue;
        Sums& s = sums[p];
        s.max_abs_weight = std::max(s.max_abs_weight, from.max_abs_weight);
        s.max_abs_error = std::max(s.max_abs_error, from.max_abs_error);
        s.signal += from.signal;
        s.noise += from.noise;
        s.exponent = from.exponent;
        s.n += from.n;
      }
  };
  visit(out.network.input_synapses);
  visit(out.network.recurrent_synapses);
  visit(out.network.readout_synapses);
  for (size_t p = 0; p < network.projections.size(); ++p) {
    const Sums& s = sums[p];
    image::ProjectionQuantization q;
    q.name = network.projections[p].source + "->" + network.projections[p].target;
    q.exponent = s.exponent;
    q.synapses = s.n;
    q.max_abs_weight = s.max_abs_weight;
    q.max_abs_error = s.max_abs_error;
    q.rms_error = s.n ? std::sqrt(s.noise / static_cast<double>(s.n)) : 0.0;
    // Exact quantization (no noise) is reported as 999 dB rather than infinity, which JSON lacks.
    q.snr_db = s.noise > 0 ? 10.0 * std::log10(s.signal / s.noise) : 999.0;
    out.projections.push_back(q);
  }
  return out;
}

model::NetworkModel<arith::FixedOps> lower_for_fixed_point(const ir::Network& network, const arith::QuantConfig& quant) {
  validate_for_quant(network, quant);
  return quantize(network, quant).network;
}

}  // namespace nchip::compiler
