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

constexpr size_t kPrefetchAhead = 16;

// quantize() and quantize_releasing(): `owned` is the network itself when its sparse lists may be
// released by the lowering, else nullptr. Sparse weights are read again only from lists the
// lowering kept (matrices it re-sorted); the first out-of-range weight it found comes with its value.
Quantized quantize_network(const ir::Network& network, ir::Network* owned, const arith::QuantConfig& quant,
                           unsigned threads) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(quant, counts);
  Quantized out;
  // The lowering sums the sparse projections' errors while it writes their synapses; this pass
  // sums the dense ones, and every projection of a matrix whose rows the lowering re-sorted.
  LoweringErrors lowered;
  out.network = owned ? lower_releasing(*owned, ops, threads, &lowered) : lower(network, ops, threads, &lowered);
  std::vector<WeightError>& sums = lowered.per_projection;

  const size_t n_projections = network.projections.size();
  const arith::Format& wf = quant[arith::Quantity::weight];
  const double upper = wf.max_real() + wf.lsb() / 2, lower_limit = wf.min_real() - wf.lsb() / 2;
  const auto float_weight = [&](const model::SynapseOrigin& o) {
    const auto& proj = network.projections[o.projection];
    return proj.dense ? proj.weights[o.position] : proj.synapses[o.position].weight;
  };
  // The synapses of the projections `visit` selects, in the chunks of weight_error.hpp; returns the
  // first of them whose scaled weight is out of range (kNoSynapse if none).
  const auto visit = [&](const model::SynapseMatrix<arith::FixedOps>& m, const std::vector<uint8_t>& selected) {
    const size_t chunks = (m.size() + kSynapsesPerErrorChunk - 1) / kSynapsesPerErrorChunk;
    std::vector<std::vector<WeightError>> partial(chunks);
    std::vector<size_t> out_of_range(chunks, kNoSynapse);
    parallel_chunks(chunks, threads, [&](size_t c) {
      std::vector<WeightError>& part = partial[c];
      part.assign(n_projections, WeightError{});
      // The powers of two of the current exponent: ldexp(x, n) is x * 2^n rounded once, and so is
      // the product with the exact power (a normal double for these n), so hoisting them out of
      // the per-synapse loop changes no bit.
      int cached_e = 0;
      double raw_scale = std::ldexp(1.0, -wf.frac), weight_scale = 1.0;
      const size_t end = std::min(m.size(), (c + 1) * kSynapsesPerErrorChunk);
      for (size_t i = c * kSynapsesPerErrorChunk; i < end; ++i) {
        if (i + kPrefetchAhead < end && selected[m.origin[i + kPrefetchAhead].projection]) {
          // the IR read is scattered: request it early (a hint only)
          const auto& ahead = m.origin[i + kPrefetchAhead];
          const auto& proj = network.projections[ahead.projection];
          __builtin_prefetch(proj.dense ? static_cast<const void*>(&proj.weights[ahead.position])
                                        : static_cast<const void*>(&proj.synapses[ahead.position]));
        }
        const auto& o = m.origin[i];
        if (!selected[o.projection]) continue;
        const double w = float_weight(o);
        const int e = m.exponent[i];
        if (e != cached_e) {
          cached_e = e;
          raw_scale = std::ldexp(1.0, e - wf.frac);
          weight_scale = std::ldexp(1.0, -e);
        }
        const double scaled = w * weight_scale;
        if ((scaled > upper || scaled < lower_limit) && out_of_range[c] == kNoSynapse) out_of_range[c] = i;
        part[o.projection].add(w, static_cast<double>(m.weight[i].raw) * raw_scale, e);
      }
    });
    for (const auto& part : partial)
      for (size_t p = 0; p < n_projections; ++p) sums[p].merge(part[p]);
    return *std::min_element(out_of_range.begin(), out_of_range.end());
  };
  const model::SynapseMatrix<arith::FixedOps>* matrices[3] = {
      &out.network.input_synapses, &out.network.recurrent_synapses, &out.network.readout_synapses};
  std::vector<uint8_t> dense(n_projections), all(n_projections, 1);
  bool any_dense = false;
  for (size_t p = 0; p < n_projections; ++p) any_dense |= (dense[p] = network.projections[p].dense ? 1 : 0) != 0;
  for (int mi = 0; mi < 3; ++mi) {
    const auto& m = *matrices[mi];
    size_t first_out_of_range = lowered.first_out_of_range[mi];
    double first_weight = lowered.first_out_of_range_weight[mi];
    const auto take_if_earlier = [&](size_t k) {
      if (k >= first_out_of_range) return;
      first_out_of_range = k;
      first_weight = float_weight(m.origin[k]);  // a dense weight, or from a list the lowering kept
    };
    if (!lowered.measured[mi]) {
      first_out_of_range = kNoSynapse;
      take_if_earlier(visit(m, all));
    } else if (any_dense && m.size() > 0) {
      take_if_earlier(visit(m, dense));
    }
    // The first weight out of range in matrix order (input, recurrent, readout) is the one reported.
    if (first_out_of_range != kNoSynapse) {
      const auto& o = m.origin[first_out_of_range];
      const auto& proj = network.projections[o.projection];
      const int e = m.exponent[first_out_of_range];
      throw InputError(fmt::format(
          "projection {} ('{}' -> '{}'): weight {} is out of range after scaling: format {} with "
          "exponent {} reaches {} to {}; scale the weights down or widen formats.weight",
          o.projection, proj.source, proj.target, first_weight, wf.describe(), e,
          std::ldexp(wf.min_real(), e), std::ldexp(wf.max_real(), e)));
    }
  }
  for (size_t p = 0; p < n_projections; ++p) {
    const WeightError& s = sums[p];
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

}  // namespace

Quantized quantize(const ir::Network& network, const arith::QuantConfig& quant, unsigned threads) {
  return quantize_network(network, nullptr, quant, threads);
}

Quantized quantize_releasing(ir::Network& network, const arith::QuantConfig& quant, unsigned threads) {
  return quantize_network(network, &network, quant, threads);
}

model::NetworkModel<arith::FixedOps> lower_for_fixed_point(const ir::Network& network, const arith::QuantConfig& quant) {
  validate_for_quant(network, quant);
  return quantize(network, quant).network;
}

}  // namespace nchip::compiler
