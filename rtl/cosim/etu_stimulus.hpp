// Stimulus streams for the co-simulation: random (uniform over each field's full range, biased
// toward the saturation edges, log-uniform magnitudes, or a per-field mix of the three), directed
// corners, and records replayed from a file. Every stream is deterministic for its seed, so a
// failing run can be replayed (the VCD of a mismatch is written by such a replay).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw_model/arith/quant_config.hpp"
#include "rtl/cosim/etu_record.hpp"

namespace nchip::rtl {

class EtuSource {
 public:
  virtual ~EtuSource() = default;
  virtual bool next(EtuRecord& record) = 0;  // false when the stream ends
};

enum class Distribution {
  uniform,  // each raw value uniform over its format's range (mostly saturating products)
  edges,    // min, max, 0, +-1, one, half and their neighbours: the saturation edges
  log,      // log-uniform magnitudes: small values too, so rounding is exercised unsaturated
  mixed,    // each field of each record picks one of the three
};
const char* to_string(Distribution d);
bool distribution_from_string(const std::string& text, Distribution& out);

// `count` records (formats from `quant`); keys (seed, stream, index, step) are random too.
std::unique_ptr<EtuSource> make_random_source(const arith::QuantConfig& quant, uint64_t seed,
                                              uint64_t count, Distribution distribution);

// The directed corners: a cross product of every field's min / 0 / max (and small h, zbar), each
// field swept over its edge values around a typical operating point, and operands that put each
// product's dropped bits exactly at one half (rounding ties, both parities), for both neuron
// kinds and a spread of draw keys.
std::vector<EtuRecord> corner_records(const arith::QuantConfig& quant);
std::unique_ptr<EtuSource> make_vector_source(std::vector<EtuRecord> records);

// Records from a file (see etu_record.hpp), at most `limit` of them.
std::unique_ptr<EtuSource> make_recorded_source(const std::string& path, uint64_t limit);

}  // namespace nchip::rtl
