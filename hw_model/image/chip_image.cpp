#include "hw_model/image/chip_image.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <ostream>
#include <string>
#include <iterator>
#include <type_traits>

#include "hw_model/arith/adafactor_update.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/byte_io.hpp"
#include "hw_model/image/checksum.hpp"
#include "hw_model/text_check.hpp"

namespace nchip::image {

namespace {

using arith::Quantity;
using model::PopulationRole;

constexpr size_t kHeaderBytes = 40;  // magic, version, flags, total size, chip hash, sections, 0
constexpr size_t kChecksumBytes = 8;

// Section tags, in file order; four ASCII characters read as a little-endian u32.
constexpr uint32_t tag(const char (&s)[5]) {
  return uint32_t(uint8_t(s[0])) | uint32_t(uint8_t(s[1])) << 8 | uint32_t(uint8_t(s[2])) << 16 |
         uint32_t(uint8_t(s[3])) << 24;
}
constexpr uint32_t kSectionTags[] = {tag("CHIP"), tag("QUNT"), tag("NETW"), tag("CORE"), tag("NEUR"),
                                     tag("SYNP"), tag("LERN"), tag("ROUT"), tag("HOST"), tag("REPT")};
constexpr uint32_t kSectionCount = sizeof kSectionTags / sizeof kSectionTags[0];

std::string tag_name(uint32_t t) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>(t >> (8 * i));
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

// ---- issue #14: the neuron flags byte of NEUR's CUBA block (version 4) ----
constexpr uint8_t kFlagCurrentBased = 1, kFlagResetToZero = 2, kFlagNoLeak = 4;
constexpr uint8_t kKnownNeuronFlags = kFlagCurrentBased | kFlagResetToZero | kFlagNoLeak;

uint8_t neuron_flags(const arith::SpikingParams<arith::FixedOps>& p) {
  return static_cast<uint8_t>((p.current_based ? kFlagCurrentBased : 0) | (p.reset_to_zero ? kFlagResetToZero : 0) |
                              (p.leaky ? 0 : kFlagNoLeak));
}

void set_neuron_flags(ByteReader& r, uint8_t flags, arith::SpikingParams<arith::FixedOps>& p) {
  if (flags & ~kKnownNeuronFlags) r.fail("unknown neuron flags " + std::to_string(flags));
  p.current_based = (flags & kFlagCurrentBased) != 0;
  p.reset_to_zero = (flags & kFlagResetToZero) != 0;
  p.leaky = (flags & kFlagNoLeak) == 0;
}
// ---- end issue #14 ----

// ---- writers, one per section ------------------------------------------------------------------
void put_chip(ByteWriter& w, const ChipConfig& chip) {
  w.str(chip.name);
  for_each_number(chip, [&](const char*, const auto& value, const char*, const char*) {
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(value)>>) w.f64(value);
    else w.u64(value);
  });
  w.vec(chip.neuron_models, [](ByteWriter& o, const std::string& m) { o.str(m); });
  w.u8(static_cast<uint8_t>(chip.fan_in_model));  // version 7 (issue #16)
}

// QUNT holds the quantities every image had (up to update_accumulator); Adam's formats travel in
// LERN's optimizer block (version 3); version 4 adds synaptic_current's after them (issue #14).
constexpr size_t kQuntQuantities = arith::index_of(Quantity::update_accumulator) + 1;

// issue #14, version 4: the synaptic current's format follows them in QUNT.
void put_format(ByteWriter& w, const arith::QuantConfig& q, Quantity quantity) {
  w.u8(static_cast<uint8_t>(q[quantity].width));
  w.u8(static_cast<uint8_t>(q[quantity].frac));
  w.u8(q[quantity].is_signed ? 1 : 0);
}

void get_format(ByteReader& r, arith::QuantConfig& q, Quantity quantity) {
  q[quantity].width = r.u8();
  q[quantity].frac = r.u8();
  q[quantity].is_signed = r.u8() != 0;
}

void put_quant(ByteWriter& w, const arith::QuantConfig& q) {
  for (size_t i = 0; i < kQuntQuantities; ++i) put_format(w, q, arith::kAllQuantities[i]);
  put_format(w, q, Quantity::synaptic_current);  // version 4
  w.u8(static_cast<uint8_t>(q.rounding));
  w.u8(static_cast<uint8_t>(q.update_rounding));
  w.u8(q.weight_exponents ? 1 : 0);
  w.i32(q.weight_headroom_bits);
}

// ---- optimizer block (image version 3, issue #17): the formats of the batch optimizer's per-synapse
// state (Adam's m and v), at the end of LERN. Version 2 images have no block: the defaults hold.
constexpr Quantity kOptimizerBlockQuantities[] = {Quantity::adam_m, Quantity::adam_v};

void put_optimizer_block(ByteWriter& w, const arith::QuantConfig& q) {
  for (Quantity quantity : kOptimizerBlockQuantities) put_format(w, q, quantity);
}

void get_optimizer_block(ByteReader& r, arith::QuantConfig& q) {
  for (Quantity quantity : kOptimizerBlockQuantities) {
    q[quantity].width = r.u8();
    q[quantity].frac = r.u8();
    q[quantity].is_signed = r.u8() != 0;
  }
  const std::string why = q.problem();
  if (!why.empty()) r.fail("optimizer block: " + why);
}
// ---- end of the optimizer block

void put_slice(ByteWriter& w, const Slice& s) {
  w.u32(s.population);
  w.u32(s.first);
  w.u32(s.count);
  w.u32(s.tile);
  w.u32(s.key);
  w.u8(s.sends ? 1 : 0);
}

template <Quantity Q>
void put_raw(ByteWriter& w, arith::Fx<Q> v) { w.i32(v.raw); }

// Writes one section's payload at the end of `w`; SYNP's (section 5) is streamed by write_image.
void put_section(ByteWriter& w, const ChipImage& im, uint32_t section) {
  const auto& net = im.network;
  switch (section) {
    case 0: put_chip(w, im.chip); break;
    case 1: put_quant(w, im.quant); break;
    case 2:
      w.str(net.name);
      w.u64(net.seed);
      w.u32(net.n_inputs);
      w.vec(net.populations, [](ByteWriter& o, const model::PopulationSpan& p) {
        o.str(p.name);
        o.u8(static_cast<uint8_t>(p.role));
        o.u8(p.adaptive ? 1 : 0);
        o.u32(p.first);
        o.u32(p.size);
      });
      w.u32(im.host_tile);
      w.u32(im.key_neuron_bits);
      w.f64(im.dt_ms);
      w.str(im.default_input);
      break;
    case 3: {  // cores: the slices that occupy a core
      std::vector<Slice> on_cores;
      for (const auto& s : im.slices)
        if (net.populations.at(s.population).role != PopulationRole::input) on_cores.push_back(s);
      w.vec(on_cores, put_slice);
      break;
    }
    case 4:
      w.vec(net.neurons, [](ByteWriter& o, const arith::SpikingParams<arith::FixedOps>& p) {
        put_raw(o, p.alpha);
        put_raw(o, p.v_th);
        put_raw(o, p.rho);
        put_raw(o, p.beta);
        put_raw(o, p.inv_v_th);
        put_raw(o, p.gamma);
        o.u32(p.refractory_steps);
        o.u8(p.adaptive ? 1 : 0);
        // ---- issue #14, version 4: the CUBA block ----
        o.u8(neuron_flags(p));
        put_raw(o, p.alpha_syn);
        put_raw(o, p.bias);
        put_raw(o, p.synaptic_bias);  // version 6
        // ---- end issue #14 ----
      });
      w.vec(net.readouts, [](ByteWriter& o, const arith::ReadoutParams<arith::FixedOps>& p) {
        put_raw(o, p.kappa);
        put_raw(o, p.bias);
        // ---- issue #14, version 6: CubaLI's synaptic current ----
        o.u8(p.current_based ? 1 : 0);
        put_raw(o, p.alpha_syn);
        put_raw(o, p.synaptic_bias);
      });
      break;
    case 5: break;  // SYNP is streamed by write_image (stream_matrix)
    case 6:
      // Learning state starts at zero for every synapse and neuron, so the image records its
      // layout (scheme and word widths) rather than megabytes of zeros.
      w.u8(static_cast<uint8_t>(im.storage));
      w.u8(static_cast<uint8_t>(im.quant[Quantity::eligibility].width));
      w.u8(static_cast<uint8_t>(im.quant[Quantity::update_accumulator].width));
      w.u8(static_cast<uint8_t>(im.quant[Quantity::trace].width));
      w.u8(0);  // initial value of every learning word: zero
      w.u8(static_cast<uint8_t>(im.optimizer_state_bits));  // version 2
      put_optimizer_block(w, im.quant);                      // version 3
      w.u8(static_cast<uint8_t>(im.factor_register_bits));  // version 5 (issue #17)
      break;
    case 7:
      w.vec(im.routers, [](ByteWriter& o, const RouterTable& t) {
        o.u32(t.entries_before_merge);
        o.vec(t.entries, [](ByteWriter& oo, const RoutingEntry& e) {
          oo.u32(e.key);
          oo.u32(e.mask);
          oo.u8(e.route);
        });
      });
      break;
    case 8: {  // host I/O map: inputs the host injects, readouts it reads back
      std::vector<Slice> inputs;
      for (const auto& s : im.slices)
        if (net.populations.at(s.population).role == PopulationRole::input) inputs.push_back(s);
      w.vec(inputs, put_slice);
      break;
    }
    case 9:
      w.vec(im.projections, [](ByteWriter& o, const ProjectionQuantization& p) {
        o.str(p.name);
        o.i32(p.exponent);
        o.u64(p.synapses);
        o.f64(p.max_abs_weight);
        o.f64(p.max_abs_error);
        o.f64(p.rms_error);
        o.f64(p.snr_db);
      });
      w.f64(im.placement.default_rate_hz);
      w.f64(im.placement.cost);
      w.f64(im.placement.naive_cost);
      break;
  }
}

// Exact bytes of one matrix in SYNP (what put_matrix writes): the image's size is known before
// the first byte is streamed, so the header and SYNP's length need no patching afterwards.
uint64_t matrix_bytes(const model::SynapseMatrix<arith::FixedOps>& m) {
  return 4 + 4 + 7 * 8 + 4 * uint64_t{m.row_start.size()} + uint64_t{m.size()} * (4 + 4 + 1 + 1 + 8) +
         m.delay_steps.size();
}

// The image's bytes go out through `sink` in blocks, hashed on the way (FNV-1a of every byte before
// the checksum): the synapse matrices, most of the image, are encoded block by block straight from
// the model, so no second copy of the synapse memory is ever held.
class StreamingWriter {
 public:
  explicit StreamingWriter(const ImageSink& sink) : sink_(sink), block_(kBlockBytes) {}
  void put(const std::string& bytes) { put(bytes.data(), bytes.size()); }
  void put(const char* data, size_t n) {
    while (n > 0) {
      const size_t take = std::min(n, kBlockBytes - used_);
      std::memcpy(block_.data() + used_, data, take);
      used_ += take;
      data += take;
      n -= take;
      if (used_ == kBlockBytes) flush();
    }
  }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  // A vector as ByteWriter::vec writes it (u64 count, then each element's `Width` little-endian
  // bytes from encode(value, out)), encoded straight into the block.
  template <size_t Width, class T, class Encode>
  void vec(const std::vector<T>& values, Encode encode) {
    u64(values.size());
    for (const T& v : values) {
      if (kBlockBytes - used_ < Width) flush();
      encode(v, reinterpret_cast<unsigned char*>(block_.data() + used_));
      used_ += Width;
    }
  }
  // The checksum of everything so far, after it (not hashed itself).
  void finish() {
    flush();
    const uint64_t checksum = hash_.value();
    le(checksum, 8);
    sink_(block_.data(), used_);
    used_ = 0;
  }

 private:
  static constexpr size_t kBlockBytes = size_t{1} << 20;
  void le(uint64_t v, int n) {
    char b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<char>(v >> (8 * i));
    put(b, static_cast<size_t>(n));
  }
  void flush() {
    hash_.add(block_.data(), used_);
    sink_(block_.data(), used_);
    used_ = 0;
  }
  const ImageSink& sink_;
  std::vector<char> block_;
  size_t used_ = 0;
  Fnv1a64 hash_;
};

inline void store_le32(uint32_t v, unsigned char* out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<unsigned char>(v >> (8 * i));
}

void stream_matrix(StreamingWriter& w, const model::SynapseMatrix<arith::FixedOps>& m) {
  w.u32(m.n_sources);
  w.u32(m.n_targets);
  w.vec<4>(m.row_start, store_le32);
  w.vec<4>(m.target, store_le32);
  w.vec<4>(m.weight, [](arith::Fx<Quantity::weight> v, unsigned char* o) { store_le32(static_cast<uint32_t>(v.raw), o); });
  w.vec<1>(m.exponent, [](int8_t v, unsigned char* o) { o[0] = static_cast<unsigned char>(v); });
  w.vec<1>(m.plastic, [](uint8_t v, unsigned char* o) { o[0] = v; });
  w.vec<8>(m.origin, [](const model::SynapseOrigin& v, unsigned char* o) {
    store_le32(v.projection, o);
    store_le32(v.position, o + 4);
  });
  w.vec<1>(m.delay_steps, [](uint8_t v, unsigned char* o) { o[0] = v; });  // version 5 (issue #14)
}

// ---- readers -----------------------------------------------------------------------------------
// Names reach one-line messages and JSON output: valid UTF-8 without control characters only.
std::string get_name(ByteReader& r, const char* what) {
  std::string name = r.str();
  if (const std::string bad = text_problem(name); !bad.empty()) r.fail(std::string(what) + " " + bad);
  return name;
}

ChipConfig get_chip(ByteReader& r, uint32_t version) {
  ChipConfig chip;
  chip.name = get_name(r, "chip name");
  for_each_number(chip, [&](const char* field, auto& value, const char*, const char*) {
    using T = std::decay_t<decltype(value)>;
    if (!in_chip_section(field, version)) {  // versions 2-3: one hop energy for both directions
      if constexpr (std::is_floating_point_v<T>) value = chip.energy_hop_east_west_pj;
      return;
    }
    if constexpr (std::is_floating_point_v<T>) value = r.f64();
    else value = static_cast<T>(r.u64());
  });
  chip.neuron_models = r.vec<std::string>(8, [](ByteReader& i) { return get_name(i, "neuron model name"); });
  if (version >= kImageVersionFanInModel) {  // issue #16; versions 2-6 count source neurons
    const uint8_t model = r.u8();
    if (model > static_cast<uint8_t>(FanInModel::axons)) r.fail("unknown fan-in model " + std::to_string(model));
    chip.fan_in_model = static_cast<FanInModel>(model);
  }
  return chip;
}

arith::QuantConfig get_quant(ByteReader& r, uint32_t version) {
  arith::QuantConfig q;
  for (size_t i = 0; i < kQuntQuantities; ++i) get_format(r, q, arith::kAllQuantities[i]);
  // issue #14: versions 2 and 3 have no synaptic_current format; it keeps the default.
  if (version >= kImageFormatCubaVersion) get_format(r, q, Quantity::synaptic_current);
  const uint8_t rounding = r.u8(), update_rounding = r.u8();
  if (rounding > 2 || update_rounding > 2) r.fail("unknown rounding mode");
  q.rounding = static_cast<arith::Rounding>(rounding);
  q.update_rounding = static_cast<arith::Rounding>(update_rounding);
  q.weight_exponents = r.u8() != 0;
  q.weight_headroom_bits = r.i32();
  const std::string why = q.problem();
  if (!why.empty()) r.fail("quant config: " + why);
  return q;
}

Slice get_slice(ByteReader& r) {
  Slice s;
  s.population = r.u32();
  s.first = r.u32();
  s.count = r.u32();
  s.tile = r.u32();
  s.key = r.u32();
  s.sends = r.u8() != 0;
  return s;
}

template <Quantity Q>
arith::Fx<Q> get_raw(ByteReader& r) { return arith::Fx<Q>{r.i32()}; }

model::SynapseMatrix<arith::FixedOps> get_matrix(ByteReader& r, uint32_t version) {
  model::SynapseMatrix<arith::FixedOps> m;
  m.n_sources = r.u32();
  m.n_targets = r.u32();
  m.row_start = r.vec<uint32_t>(4, [](ByteReader& i) { return i.u32(); });
  m.target = r.vec<uint32_t>(4, [](ByteReader& i) { return i.u32(); });
  m.weight = r.vec<arith::Fx<Quantity::weight>>(4, [](ByteReader& i) { return get_raw<Quantity::weight>(i); });
  m.exponent = r.vec<int8_t>(1, [](ByteReader& i) { return static_cast<int8_t>(i.u8()); });
  m.plastic = r.vec<uint8_t>(1, [](ByteReader& i) { return i.u8(); });
  m.origin = r.vec<model::SynapseOrigin>(8, [](ByteReader& i) {
    model::SynapseOrigin o;
    o.projection = i.u32();
    o.position = i.u32();
    return o;
  });
  if (version >= kImageFormatDelayVersion) m.delay_steps = r.vec<uint8_t>(1, [](ByteReader& i) { return i.u8(); });
  return m;
}

// `per_projection[p]` counts the synapses whose origin names projection p (each origin must name
// one of the image's projections: passes and the trainer index per-projection tables with it).
void check_matrix(const model::SynapseMatrix<arith::FixedOps>& m, uint32_t n_sources,
                  uint32_t n_targets, const char* which, std::vector<uint64_t>& per_projection,
                  const ByteReader& r) {
  const auto bad = [&](const std::string& what) { r.fail(std::string(which) + " synapses: " + what); };
  if (m.n_sources != n_sources || m.n_targets != n_targets) bad("dimensions do not match the neurons");
  if (m.row_start.size() != size_t{n_sources} + 1 || m.row_start.front() != 0 ||
      m.row_start.back() != m.target.size())
    bad("row index is inconsistent");
  for (size_t s = 0; s < n_sources; ++s)
    if (m.row_start[s] > m.row_start[s + 1]) bad("row index is not increasing");
  const size_t n = m.target.size();
  if (m.weight.size() != n || m.exponent.size() != n || m.plastic.size() != n || m.origin.size() != n)
    bad("field lengths differ");
  if (!m.delay_steps.empty() && m.delay_steps.size() != n) bad("delay list length differs from the synapse count");
  for (uint8_t d : m.delay_steps)
    if (d < 1 || d > model::kMaxDelaySteps)
      bad("synaptic delay " + std::to_string(d) + " outside [1, " + std::to_string(model::kMaxDelaySteps) + "] steps");
  for (size_t i = 0; i < n; ++i) {
    if (m.target[i] >= n_targets) bad("target out of range");
    if (m.exponent[i] < arith::kWeightExponentMin || m.exponent[i] > arith::kWeightExponentMax)
      bad("weight exponent out of range");
    const uint32_t projection = m.origin[i].projection;
    if (projection >= per_projection.size())
      bad("synapse " + std::to_string(i) + " names projection " + std::to_string(projection) + ", but the image has " +
          std::to_string(per_projection.size()) + " projections");
    ++per_projection[projection];
  }
}

void read_section(ByteReader& r, uint32_t version, uint32_t section, ChipImage& im, std::vector<Slice>& core_slices,
                  std::vector<Slice>& host_slices) {
  auto& net = im.network;
  switch (section) {
    case 0: im.chip = get_chip(r, version); break;
    case 1: im.quant = get_quant(r, version); break;
    case 2:
      net.name = get_name(r, "network name");
      net.seed = r.u64();
      net.n_inputs = r.u32();
      net.populations = r.vec<model::PopulationSpan>(18, [](ByteReader& i) {
        model::PopulationSpan p;
        p.name = get_name(i, "population name");
        const uint8_t role = i.u8();
        if (role > 2) i.fail("unknown population role");
        p.role = static_cast<PopulationRole>(role);
        p.adaptive = i.u8() != 0;
        p.first = i.u32();
        p.size = i.u32();
        return p;
      });
      im.host_tile = r.u32();
      im.key_neuron_bits = r.u32();
      im.dt_ms = r.f64();
      if (!(im.dt_ms > 0) || !(im.dt_ms < 1e9)) r.fail("dt_ms out of range");
      im.default_input = get_name(r, "default input");
      break;
    case 3: core_slices = r.vec<Slice>(21, get_slice); break;
    case 4:
      net.neurons = r.vec<arith::SpikingParams<arith::FixedOps>>(29, [version](ByteReader& i) {
        arith::SpikingParams<arith::FixedOps> p;
        p.alpha = get_raw<Quantity::decay>(i);
        p.v_th = get_raw<Quantity::voltage>(i);
        p.rho = get_raw<Quantity::decay>(i);
        p.beta = get_raw<Quantity::voltage>(i);
        p.inv_v_th = get_raw<Quantity::gain>(i);
        p.gamma = get_raw<Quantity::pseudo_derivative>(i);
        const uint32_t refractory = i.u32();
        if (refractory > 0xffff) i.fail("refractory steps out of range");
        p.refractory_steps = static_cast<uint16_t>(refractory);
        p.adaptive = i.u8() != 0;
        // ---- issue #14, version 4: the CUBA block ----
        if (version >= kImageFormatCubaVersion) {
          set_neuron_flags(i, i.u8(), p);
          p.alpha_syn = get_raw<Quantity::decay>(i);
          p.bias = get_raw<Quantity::voltage>(i);
        }
        if (version >= kImageFormatReadoutCurrentVersion) p.synaptic_bias = get_raw<Quantity::synaptic_current>(i);
        // ---- end issue #14 ----
        return p;
      });
      net.readouts = r.vec<arith::ReadoutParams<arith::FixedOps>>(8, [version](ByteReader& i) {
        arith::ReadoutParams<arith::FixedOps> p;
        p.kappa = get_raw<Quantity::decay>(i);
        p.bias = get_raw<Quantity::voltage>(i);
        if (version >= kImageFormatReadoutCurrentVersion) {  // issue #14: CubaLI
          const uint8_t flags = i.u8();
          if (flags > 1) i.fail("unknown readout flags " + std::to_string(flags));
          p.current_based = flags == 1;
          p.alpha_syn = get_raw<Quantity::decay>(i);
          p.synaptic_bias = get_raw<Quantity::synaptic_current>(i);
        }
        return p;
      });
      break;
    case 5:
      net.input_synapses = get_matrix(r, version);
      net.recurrent_synapses = get_matrix(r, version);
      net.readout_synapses = get_matrix(r, version);
      break;
    case 6: {
      const uint8_t storage = r.u8();
      if (storage > 1) r.fail("unknown learning-state storage scheme");
      im.storage = static_cast<StorageScheme>(storage);
      const uint8_t eligibility = r.u8(), accumulator = r.u8(), trace = r.u8(), initial = r.u8();
      if (eligibility != im.quant[Quantity::eligibility].width ||
          accumulator != im.quant[Quantity::update_accumulator].width ||
          trace != im.quant[Quantity::trace].width || initial != 0)
        r.fail("learning-state layout does not match the quant config");
      im.optimizer_state_bits = r.u8();
      if (version >= 3) get_optimizer_block(r, im.quant);
      const uint32_t lion = static_cast<uint32_t>(im.quant[Quantity::update_accumulator].width);
      const uint32_t adam = static_cast<uint32_t>(im.quant[Quantity::adam_m].width + im.quant[Quantity::adam_v].width);
      if (im.optimizer_state_bits != 0 && im.optimizer_state_bits != lion && im.optimizer_state_bits != adam)
        r.fail("optimizer state bits must be 0, the update_accumulator width (Lion's m) or the adam_m + adam_v "
               "widths (Adam's m and v)");
      if (version >= kImageFormatFactorVersion) {  // issue #17: Adafactor's row/column registers
        im.factor_register_bits = r.u8();
        if (im.factor_register_bits != 0 && im.factor_register_bits != arith::kFactorRegisterBits)
          r.fail("factor register bits must be 0 or " + std::to_string(arith::kFactorRegisterBits) +
                 " (Adafactor's row and column registers)");
      }
      break;
    }
    case 7:
      im.routers = r.vec<RouterTable>(12, [](ByteReader& i) {
        RouterTable t;
        t.entries_before_merge = i.u32();
        t.entries = i.vec<RoutingEntry>(9, [](ByteReader& ii) {
          RoutingEntry e;
          e.key = ii.u32();
          e.mask = ii.u32();
          e.route = ii.u8();
          return e;
        });
        return t;
      });
      break;
    case 8: host_slices = r.vec<Slice>(21, get_slice); break;
    case 9:
      im.projections = r.vec<ProjectionQuantization>(52, [](ByteReader& i) {
        ProjectionQuantization p;
        p.name = get_name(i, "projection name");
        p.exponent = i.i32();
        p.synapses = i.u64();
        p.max_abs_weight = i.f64();
        p.max_abs_error = i.f64();
        p.rms_error = i.f64();
        p.snr_db = i.f64();
        return p;
      });
      im.placement.default_rate_hz = r.f64();
      im.placement.cost = r.f64();
      im.placement.naive_cost = r.f64();
      break;
  }
  if (r.left() != 0) r.fail("section has " + std::to_string(r.left()) + " unread bytes");
}

// A checksum only proves the file is what the writer wrote; these checks keep a hand-made or
// buggy-writer image from sending the simulator out of bounds.
void check_consistency(const ChipImage& im, uint32_t version, const ByteReader& r) {
  const std::string why = im.chip.problem();
  if (!why.empty()) r.fail("chip description: " + why);
  if (chip_hash(im.chip, version) != im.chip_hash) r.fail("chip description does not match its hash");
  const auto& net = im.network;
  uint64_t counts[3] = {0, 0, 0};  // 64 bits: sizes summed in 32 would wrap and match by accident
  for (const auto& p : net.populations) {
    auto& c = counts[static_cast<int>(p.role)];
    if (p.first != c) r.fail("population '" + p.name + "' does not start where the previous ended");
    c += p.size;
  }
  if (counts[0] != net.n_inputs || counts[1] != net.neurons.size() || counts[2] != net.readouts.size())
    r.fail("population sizes do not match the neuron tables");
  std::vector<uint64_t> per_projection(im.projections.size(), 0);
  check_matrix(net.input_synapses, net.n_inputs, net.n_neurons(), "input", per_projection, r);
  check_matrix(net.recurrent_synapses, net.n_neurons(), net.n_neurons(), "recurrent", per_projection, r);
  check_matrix(net.readout_synapses, net.n_neurons(), net.n_readouts(), "readout", per_projection, r);
  for (size_t p = 0; p < per_projection.size(); ++p)
    if (per_projection[p] != im.projections[p].synapses)
      r.fail("projection " + std::to_string(p) + " lists " + std::to_string(im.projections[p].synapses) +
             " synapses, the synapse memory holds " + std::to_string(per_projection[p]));
  if (im.routers.size() != im.chip.tiles()) r.fail("router count does not match the mesh");
  if (im.host_tile >= im.chip.tiles()) r.fail("host tile outside the mesh");
  if (im.key_neuron_bits == 0 || im.key_neuron_bits > 20) r.fail("key layout out of range");
  for (const auto& s : im.slices) {
    if (s.population >= net.populations.size() || s.tile >= im.chip.tiles() ||
        uint64_t{s.first} + s.count > net.populations[s.population].size)
      r.fail("slice outside its population or the mesh");
  }
}

// `on_total` learns the image's size before the first byte goes to `sink`.
void stream_image(const ChipImage& image, const std::function<void(uint64_t total)>& on_total, const ImageSink& sink) {
  // Every section but SYNP is small: encoded first, so the lengths are known. SYNP's length is
  // exact from the matrices' sizes (matrix_bytes), and its bytes are streamed.
  constexpr uint32_t kSynapseSection = 5;
  std::vector<std::string> payload(kSectionCount);
  uint64_t total = kHeaderBytes + kChecksumBytes;
  const auto& net = image.network;
  const uint64_t synapse_bytes =
      matrix_bytes(net.input_synapses) + matrix_bytes(net.recurrent_synapses) + matrix_bytes(net.readout_synapses);
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    if (s != kSynapseSection) {
      ByteWriter w;
      put_section(w, image, s);
      payload[s] = std::move(w.bytes());
    }
    total += 4 + 8 + (s == kSynapseSection ? synapse_bytes : payload[s].size());
  }
  if (on_total) on_total(total);
  ByteWriter header;
  header.bytes().append(kImageMagic, sizeof kImageMagic);
  header.u32(kImageFormatVersion);
  header.u32(0);  // flags
  header.u64(total);
  header.u64(image.chip_hash);
  header.u32(kSectionCount);
  header.u32(0);
  StreamingWriter w(sink);
  w.put(header.bytes());
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    w.u32(kSectionTags[s]);
    if (s != kSynapseSection) {
      w.u64(payload[s].size());
      w.put(payload[s]);
      continue;
    }
    w.u64(synapse_bytes);
    stream_matrix(w, net.input_synapses);
    stream_matrix(w, net.recurrent_synapses);
    stream_matrix(w, net.readout_synapses);
  }
  w.finish();
}

}  // namespace

std::string write_image(const ChipImage& image) {
  std::string out;
  stream_image(image, [&out](uint64_t total) { out.reserve(total); },
               [&out](const char* data, size_t n) { out.append(data, n); });
  return out;
}

void write_image(const ChipImage& image, const ImageSink& sink) { stream_image(image, {}, sink); }

void write_image(const ChipImage& image, std::ostream& out) {
  write_image(image, [&out](const char* data, size_t n) { out.write(data, static_cast<std::streamsize>(n)); });
}

bool has_image_magic(const std::string& first_bytes) {
  return first_bytes.size() >= sizeof kImageMagic &&
         std::memcmp(first_bytes.data(), kImageMagic, sizeof kImageMagic) == 0;
}

ChipImage read_image(const std::string& bytes, const std::string& source_name) {
  const std::string where = source_name;
  const auto fail = [&](const std::string& what) -> void { throw InputError(where + ": " + what); };
  if (!has_image_magic(bytes)) {
    const bool prefix = !bytes.empty() && bytes.size() < sizeof kImageMagic &&
                        std::memcmp(bytes.data(), kImageMagic, bytes.size()) == 0;
    fail(prefix ? "truncated image (" + std::to_string(bytes.size()) + " bytes)"
                : "not an nchip chip image (wrong magic; expected 'NCHIPIMG')");
  }
  if (bytes.size() < kHeaderBytes + kChecksumBytes)
    fail("truncated image (" + std::to_string(bytes.size()) + " bytes, shorter than the header)");
  ByteReader header(bytes.data() + 8, kHeaderBytes - 8, where);
  const uint32_t version = header.u32();
  if (version < kOldestReadableImageVersion || version > kImageFormatVersion)
    fail("image format version " + std::to_string(version) + " is not supported (this nchip reads versions " +
         std::to_string(kOldestReadableImageVersion) + " to " + std::to_string(kImageFormatVersion) +
         "; recompile the network)");
  header.u32();  // flags
  const uint64_t total = header.u64();
  if (bytes.size() < total)
    fail("truncated image (" + std::to_string(bytes.size()) + " of " + std::to_string(total) + " bytes)");
  if (bytes.size() > total)
    fail("image has " + std::to_string(bytes.size() - total) + " trailing bytes after its checksum");
  Fnv1a64 h;
  h.add(bytes.data(), total - kChecksumBytes);
  ByteReader trailer(bytes.data() + total - kChecksumBytes, kChecksumBytes, where);
  if (trailer.u64() != h.value()) fail("corrupt image (checksum mismatch)");

  ChipImage im;
  im.chip_hash = header.u64();
  const uint32_t sections = header.u32();
  if (sections != kSectionCount) fail("unexpected section count " + std::to_string(sections));
  ByteReader body(bytes.data() + kHeaderBytes, total - kHeaderBytes - kChecksumBytes, where);
  std::vector<Slice> core_slices, host_slices;
  for (uint32_t s = 0; s < kSectionCount; ++s) {
    const uint32_t t = body.u32();
    if (t != kSectionTags[s])
      fail("expected section " + tag_name(kSectionTags[s]) + ", found " + tag_name(t));
    const uint64_t length = body.count(1);
    const size_t offset = bytes.size() - kChecksumBytes - body.left();
    ByteReader section(bytes.data() + offset, length, where + ": section " + tag_name(t));
    read_section(section, version, s, im, core_slices, host_slices);
    body.skip(length);
  }
  // Slices are kept in (population, first) order: merge the host's and the cores'.
  im.slices = host_slices;
  im.slices.insert(im.slices.end(), core_slices.begin(), core_slices.end());
  std::stable_sort(im.slices.begin(), im.slices.end(), [](const Slice& a, const Slice& b) {
    return a.population != b.population ? a.population < b.population : a.first < b.first;
  });
  check_consistency(im, version, body);
  im.chip_hash = chip_hash(im.chip);  // an older version's hash in today's form, as write_image writes it
  return im;
}

static std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": cannot read file");
  return bytes;
}

ChipImage read_image_file(const std::string& path) { return read_image(read_file_bytes(path), path); }

bool file_has_image_magic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[sizeof kImageMagic] = {};
  if (!in.read(head, sizeof head)) return false;
  return has_image_magic(std::string(head, sizeof head));
}

}  // namespace nchip::image
