#include "compiler/nir/nir_import.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "compiler/ir/size_limit.hpp"
#include "compiler/nir/sparse_matrix.hpp"
#include "compiler/nir/unroll.hpp"
#include "hw_model/error.hpp"
#include "hw_model/text_check.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::nir {

const char* to_string(Discretization d) { return d == Discretization::euler ? "euler" : "exact"; }
const char* to_string(ResetMode r) { return r == ResetMode::zero ? "zero" : "subtract"; }

namespace {

constexpr const char* kSupported =
    "supported: Input, Output, Affine, Linear, Scale, Flatten, Delay, Conv1d, Conv2d, SumPool2d, AvgPool2d, LIF, CubaLIF, IF, "
    "Threshold, LI, CubaLI, I, NIRGraph";
// A time constant so long that exp(-dt/tau) is exactly 1.0 in double: I (a readout) has no leak.
constexpr double kNoLeakTauSteps = 1152921504606846976.0;  // 2^60
// A time constant so short that exp(-dt/tau) is exactly 0.0 in double (exp(-1000) underflows): a
// Threshold (z = H(x - theta)) is a spiking neuron without memory.
constexpr double kMemorylessTauSteps = 1e-3;
// Most non-zero weights one chain of linear nodes may build (about 1 GiB of sparse entries), and the
// largest dense projection written (512 MiB of doubles).
constexpr uint64_t kMaxMatrixEntries = uint64_t{1} << 26;

using Matrix = SparseMatrix;

// What reaches a node through linear nodes: a matrix per source population, a bias vector.
struct Part {
  Matrix m;
  int64_t delay_steps = 0;
};
struct Flow {
  std::map<std::string, Part> parts;  // by source population
  std::vector<double> bias;
};

enum class Kind { input, spiking, readout, linear, output, unsupported };

// Convolution and pooling: unrolled into an explicit (sparse) matrix over flattened (C, H, W).
bool is_unrolled(const std::string& t) {
  return t == "Conv1d" || t == "Conv2d" || t == "SumPool2d" || t == "AvgPool2d";
}

Kind kind_of(const NirNode& n) {
  const std::string& t = n.type;
  if (t == "Input") return n.top_level ? Kind::input : Kind::linear;
  if (t == "Output") return n.top_level ? Kind::output : Kind::linear;
  if (t == "LIF" || t == "IF" || t == "CubaLIF" || t == "Threshold") return Kind::spiking;
  if (t == "LI" || t == "CubaLI" || t == "I") return Kind::readout;
  if (t == "Affine" || t == "Linear" || t == "Scale" || t == "Flatten" || t == "Delay" || t == "Identity" ||
      is_unrolled(t))
    return Kind::linear;
  return Kind::unsupported;
}

class Importer {
 public:
  Importer(const NirGraph& g, const ImportOptions& o) : g_(g), opt_(o) {
    for (const auto& n : g.nodes) {
      by_name_[n.name] = &n;
      preds_[n.name];
    }
    for (const auto& e : g.edges) preds_[e.target].push_back(e.source);
  }

  ImportResult run();

 private:
  // Names and types are the file's bytes: escaped, so the message stays one line (issue #15 rows 3-4).
  [[noreturn]] void fail(const NirNode& n, const std::string& what) const {
    throw InputError(
        escaped_text(fmt::format("{}: {}: node '{}' ({}): {}", g_.file_name, n.hdf5_path, n.name, n.type, what)));
  }

  const NumericArray& param(const NirNode& n, const std::string& key) const {
    auto it = n.params.find(key);
    if (it == n.params.end()) fail(n, fmt::format("missing parameter '{}'", key));
    for (size_t k = 0; k < it->second.values.size(); ++k)
      if (!std::isfinite(it->second.values[k]))
        fail(n, fmt::format("{}[{}] is not finite ({})", key, k, it->second.values[k]));
    return it->second;
  }
  bool has(const NirNode& n, const std::string& key) const { return n.params.count(key) > 0; }

  // A parameter broadcast to `size` entries (a scalar or 1-element array repeats).
  std::vector<double> values(const NirNode& n, const std::string& key, uint32_t size) const {
    const NumericArray& a = param(n, key);
    if (a.values.size() == 1) return std::vector<double>(size, a.values[0]);
    if (a.values.size() != size)
      fail(n, fmt::format("shape mismatch: '{}' has {} entries, the node has {} neurons", key, a.values.size(), size));
    return a.values;
  }
  std::vector<double> values_or(const NirNode& n, const std::string& key, uint32_t size, double fallback) const {
    return has(n, key) ? values(n, key, size) : std::vector<double>(size, fallback);
  }

  // A node's size, before anything of that size is allocated: an Input's shape or a broadcast
  // parameter can name billions of neurons in a few bytes (issue #15 row 9, as the JSON reader checks).
  uint32_t checked_size(const NirNode& n, uint64_t size) const {
    if (size == 0 || size > std::numeric_limits<uint32_t>::max())
      fail(n, fmt::format("size {} out of range", size));
    ir::check_memory(static_cast<double>(size) * ir::kBytesPerNeuron,
                     escaped_text(fmt::format("{}: {}: node '{}' ({}) of {} elements", g_.file_name, n.hdf5_path,
                                              n.name, n.type, size)));
    return static_cast<uint32_t>(size);
  }

  // The largest entry count among a neuron's parameters (scalars broadcast).
  uint64_t param_count(const NirNode& n, std::initializer_list<const char*> keys) const {
    uint64_t count = 1;
    for (const char* k : keys)
      if (has(n, k)) count = std::max<uint64_t>(count, n.params.at(k).values.size());
    return count;
  }

  const NirNode& node(const std::string& name) const { return *by_name_.at(name); }

  uint32_t input_size(const NirNode& n) {
    const auto& ps = preds_.at(n.name);
    if (ps.empty()) fail(n, "has no incoming edge, so its size cannot be inferred");
    uint32_t size = 0;
    for (const auto& p : ps) {
      const uint32_t s = size_of(node(p));
      if (size != 0 && s != size)
        fail(n, fmt::format("shape mismatch: its inputs have {} and {} elements", size, s));
      size = s;
    }
    return size;
  }

  uint32_t size_of(const NirNode& n) {
    auto it = sizes_.find(n.name);
    if (it != sizes_.end()) return it->second;
    if (!sizing_.insert(n.name).second) fail(n, "its size cannot be inferred (every node of a cycle is a scalar)");
    uint32_t size = 0;
    const std::string& t = n.type;
    if (t == "Input") {
      const NumericArray& shape = param(n, "shape");
      if (!n.top_level) {
        size = input_size(n);
      } else {
        uint64_t s = 1;
        for (double d : shape.values) {
          if (!(d >= 1 && d <= 4294967295.0 && d == std::floor(d))) fail(n, fmt::format("bad shape entry {}", d));
          s *= static_cast<uint64_t>(d);
          if (s > std::numeric_limits<uint32_t>::max()) fail(n, "input too large");
        }
        size = checked_size(n, s);
      }
    } else if (is_unrolled(t)) {
      uint64_t s = 1;
      for (uint32_t d : unroll(n).out_shape) s *= d;
      size = checked_size(n, s);
    } else if (t == "Affine" || t == "Linear") {
      const NumericArray& w = param(n, "weight");
      if (w.shape.size() != 2) fail(n, fmt::format("weight must be a 2-D matrix, got {} dimensions", w.shape.size()));
      size = checked_size(n, w.shape[0]);
    } else if (kind_of(n) == Kind::spiking || kind_of(n) == Kind::readout) {
      const uint64_t c = param_count(n, {"tau", "tau_mem", "tau_syn", "w_in", "r", "v_leak", "v_threshold", "v_reset", "threshold"});
      size = c > 1 || preds_.at(n.name).empty() ? checked_size(n, c) : input_size(n);
    } else if (t == "Scale" || t == "Delay") {
      const uint64_t c = param(n, t == "Scale" ? "scale" : "delay").values.size();
      size = c > 1 ? checked_size(n, c) : input_size(n);
    } else {
      size = input_size(n);  // Flatten, Identity, Output
    }
    sizing_.erase(n.name);
    sizes_[n.name] = size;
    return size;
  }

  static Matrix identity(uint32_t n) { return Matrix::identity(n); }

  Matrix product(const NirNode& n, const Matrix& w, const Matrix& m) const {
    try {
      return multiply(w, m, kMaxMatrixEntries);
    } catch (const std::length_error&) {
      fail(n, fmt::format("the chain of linear nodes has more than {} non-zero weights", kMaxMatrixEntries));
    }
  }

  int64_t delay_steps(const NirNode& n) {
    const std::vector<double> d = values(n, "delay", size_of(n));
    const double dt_nir = dt_ms_ / opt_.time_unit_ms;
    const double steps = d[0] / dt_nir;
    for (double x : d)
      if (x != d[0]) fail(n, "per-neuron delays differ; nchip delays a whole projection");
    const double rounded = std::round(steps);
    if (!(rounded >= 0) || std::abs(steps - rounded) > 1e-6 * std::max(1.0, rounded))
      fail(n, fmt::format("delay {} is {} steps of dt = {} ms, not a whole number", d[0], steps, dt_ms_));
    return static_cast<int64_t>(rounded);
  }

  // Sum of what reaches `n` over its incoming edges.
  Flow gather(const NirNode& n) {
    Flow in;
    const Kind nk = kind_of(n);
    const bool neuron_node = nk == Kind::spiking || nk == Kind::readout;
    if (neuron_node && preds_.at(n.name).empty()) {
      in.bias.assign(size_of(n), 0.0);
      return in;
    }
    const uint32_t size = input_size(n);
    if (neuron_node && size != size_of(n))
      fail(n, fmt::format("shape mismatch: {} neurons, but its input has {} elements", size_of(n), size));
    in.bias.assign(size, 0.0);
    for (const std::string& p_name : preds_.at(n.name)) {
      const NirNode& p = node(p_name);
      const Kind k = kind_of(p);
      if (k == Kind::output) fail(n, fmt::format("has the Output node '{}' as a source", p_name));
      if (k == Kind::readout)
        fail(n, fmt::format("is fed by the {} node '{}': nchip readouts cannot be sources", p.type, p_name));
      if (k == Kind::input || k == Kind::spiking) {
        add_part(n, in, p_name, Part{identity(size_of(p)), 0});
        continue;
      }
      const Flow& f = flow_out(p);
      for (const auto& [src, part] : f.parts) add_part(n, in, src, part);
      for (size_t i = 0; i < in.bias.size(); ++i) in.bias[i] += f.bias[i];
    }
    return in;
  }

  void add_part(const NirNode& n, Flow& in, const std::string& src, const Part& part) const {
    auto it = in.parts.find(src);
    if (it == in.parts.end()) {
      in.parts[src] = part;
      return;
    }
    if (it->second.delay_steps != part.delay_steps)
      fail(n, fmt::format("paths from '{}' arrive with different delays ({} and {} steps)", src,
                          it->second.delay_steps, part.delay_steps));
    add_into(it->second.m, part.m);
  }

  // What leaves the linear node `n`.
  const Flow& flow_out(const NirNode& n) {
    auto it = flows_.find(n.name);
    if (it != flows_.end()) return it->second;
    if (kind_of(n) == Kind::unsupported) fail(n, fmt::format("unknown NIR node type; {}", kSupported));
    if (!visiting_.insert(n.name).second) fail(n, "is on a cycle without a neuron (NIR edges have no delay)");
    Flow in = gather(n);
    const uint32_t out_size = size_of(n);
    const std::string& t = n.type;
    if (t == "Affine" || t == "Linear") {
      const NumericArray& wa = param(n, "weight");
      if (wa.shape[1] != in.bias.size())
        fail(n, fmt::format("shape mismatch: weight has {} columns, its input has {} elements", wa.shape[1],
                            in.bias.size()));
      const Matrix w = Matrix::from_dense(static_cast<uint32_t>(wa.shape[0]), static_cast<uint32_t>(wa.shape[1]),
                                          wa.values);
      for (auto& [src, part] : in.parts) part.m = product(n, w, part.m);
      in.bias = multiply(w, in.bias);
      if (t == "Affine") {
        const std::vector<double> bias = values(n, "bias", out_size);
        for (size_t i = 0; i < bias.size(); ++i) in.bias[i] += bias[i];
      }
    } else if (is_unrolled(t)) {
      const Unrolled& u = unroll(n);
      for (auto& [src, part] : in.parts) part.m = product(n, u.m, part.m);
      in.bias = multiply(u.m, in.bias);
      for (size_t i = 0; i < in.bias.size(); ++i) in.bias[i] += u.bias[i];
    } else if (t == "Scale") {
      const std::vector<double> s = values(n, "scale", out_size);
      for (auto& [src, part] : in.parts) scale_rows(part.m, s);
      for (size_t i = 0; i < in.bias.size(); ++i) in.bias[i] *= s[i];
    } else if (t == "Delay") {
      const int64_t d = delay_steps(n);
      for (auto& [src, part] : in.parts) part.delay_steps += d;  // a constant bias passes unchanged
    }
    // Flatten and Identity: the same values in the same (row-major) order.
    visiting_.erase(n.name);
    return flows_[n.name] = std::move(in);
  }

  void row(const NirNode& n, std::string became, std::string decay = "", std::string threshold = "",
           std::string scale = "", std::string note = "") {
    rows_.push_back({n.name, n.type, std::move(became), std::move(decay), std::move(threshold), std::move(scale),
                     std::move(note)});
  }

  // A parameter that must be equal for all neurons (nchip populations share it).
  double uniform(const NirNode& n, const std::vector<double>& v, const char* key) const {
    for (double x : v)
      if (x != v[0]) fail(n, fmt::format("per-neuron '{}' values differ; an nchip population has one", key));
    return v[0];
  }

  // The neuron nodes an Output reads, through pass-through nodes (a subgraph's Output, Flatten).
  std::vector<std::string> output_sources(const NirNode& n) {
    std::vector<std::string> out;
    for (const auto& p : preds_.at(n.name)) {
      const NirNode& q = node(p);
      const Kind k = kind_of(q);
      if (k == Kind::spiking || k == Kind::readout) {
        out.push_back(p);
      } else if ((q.type == "Identity" || q.type == "Flatten") && sizing_.insert("output:" + p).second) {
        for (auto& s : output_sources(q)) out.push_back(std::move(s));
        sizing_.erase("output:" + p);
      } else {
        fail(n, fmt::format("is fed by the {} node '{}', not by a neuron: nchip's outputs are neuron populations",
                            q.type, p));
      }
    }
    return out;
  }

  void infer_dt();
  void neuron(const NirNode& n, ir::Network& net);
  std::vector<uint32_t> shape_of(const NirNode& n);
  std::vector<int64_t> ints(const NirNode& n, const std::string& key, size_t count, int64_t fallback, int64_t min) const;
  const Unrolled& unroll(const NirNode& n);
  std::map<std::string, Unrolled> unrolled_;
  std::set<std::string> shaping_;

  const NirGraph& g_;
  const ImportOptions& opt_;
  double dt_ms_ = 0;
  std::map<std::string, const NirNode*> by_name_;
  std::map<std::string, std::vector<std::string>> preds_;
  std::map<std::string, uint32_t> sizes_;
  std::set<std::string> sizing_, visiting_;
  std::map<std::string, Flow> flows_;
  std::vector<ImportRow> rows_;
  std::string dt_note_;
};

// The multi-dimensional shape of what leaves `n` (row-major, the product is size_of(n)): convolution
// and pooling need (C, H, W); most nodes keep their input's shape, Affine/Linear/Flatten make it 1-D.
std::vector<uint32_t> Importer::shape_of(const NirNode& n) {
  const uint32_t size = size_of(n);
  const std::string& t = n.type;
  if (is_unrolled(t)) return unroll(n).out_shape;
  if (t == "Affine" || t == "Linear" || t == "Flatten") return {size};
  if (t == "Input" && n.top_level) {
    std::vector<uint32_t> dims;
    for (double d : param(n, "shape").values) dims.push_back(static_cast<uint32_t>(d));
    return dims;
  }
  // A parameter array with several dimensions gives the shape (e.g. an LIF over (C, H, W)).
  for (const char* key : {"tau", "r", "v_threshold", "scale", "delay"}) {
    auto it = n.params.find(key);
    if (it != n.params.end() && it->second.shape.size() >= 2) {
      std::vector<uint32_t> dims(it->second.shape.begin(), it->second.shape.end());
      return dims;
    }
  }
  const auto& ps = preds_.at(n.name);
  if (ps.empty() || !shaping_.insert(n.name).second) return {size};
  std::vector<uint32_t> dims = shape_of(node(ps[0]));
  shaping_.erase(n.name);
  uint64_t product = 1;
  for (uint32_t d : dims) product *= d;
  if (product != size) return {size};
  return dims;
}

// An integer parameter with `count` entries (a scalar broadcasts), each >= min; `fallback` when absent.
std::vector<int64_t> Importer::ints(const NirNode& n, const std::string& key, size_t count, int64_t fallback,
                                    int64_t min) const {
  if (!has(n, key)) return std::vector<int64_t>(count, fallback);
  const NumericArray& a = param(n, key);
  if (a.values.size() != 1 && a.values.size() != count)
    fail(n, fmt::format("'{}' has {} entries, expected 1 or {}", key, a.values.size(), count));
  std::vector<int64_t> out;
  for (size_t i = 0; i < count; ++i) {
    const double v = a.values[a.values.size() == 1 ? 0 : i];
    if (!(v == std::floor(v) && v >= static_cast<double>(min) && v <= 1e6))
      fail(n, fmt::format("'{}' must hold whole numbers >= {}, got {}", key, min, v));
    out.push_back(static_cast<int64_t>(v));
  }
  return out;
}

// Convolution (PyTorch's definition: cross-correlation, zero padding, dilation, groups) and sum /
// average pooling (average divides by the full kernel area, PyTorch's count_include_pad) written
// out as a matrix from the flattened input (C_in, H, W) to the flattened output (C_out, H_out, W_out).
const Unrolled& Importer::unroll(const NirNode& n) {
  auto it = unrolled_.find(n.name);
  if (it != unrolled_.end()) return it->second;
  const std::string& t = n.type;
  const bool one_d = t == "Conv1d";
  const bool conv = t == "Conv1d" || t == "Conv2d";
  // Input geometry (C, H, W); a 1-D convolution is a 2-D one with H = 1.
  int64_t C = 0, H = 1, W = 0;
  const uint32_t in_size = input_size(n);
  std::vector<uint32_t> in_dims;
  uint32_t co = 0, cig = 0, kh = 1, kw = 1;
  const NumericArray* weight = nullptr;
  if (conv) {
    weight = &param(n, "weight");
    if (weight->shape.size() != (one_d ? 3u : 4u))
      fail(n, fmt::format("weight must have {} dimensions (C_out, C_in/groups, kernel...), got {}", one_d ? 3 : 4,
                          weight->shape.size()));
    co = static_cast<uint32_t>(weight->shape[0]);
    cig = static_cast<uint32_t>(weight->shape[1]);
    kh = one_d ? 1 : static_cast<uint32_t>(weight->shape[2]);
    kw = static_cast<uint32_t>(weight->shape[one_d ? 2 : 3]);
  }
  const int64_t groups = conv ? ints(n, "groups", 1, 1, 1)[0] : 1;
  if (conv && has(n, "input_shape")) {
    const std::vector<int64_t> s = ints(n, "input_shape", one_d ? 1 : 2, 0, 1);
    C = int64_t{cig} * groups;
    H = one_d ? 1 : s[0];
    W = s[one_d ? 0 : 1];
  } else {
    const std::vector<uint32_t> d = shape_of(node(preds_.at(n.name).at(0)));
    if (d.size() != (one_d ? 2u : 3u))
      fail(n, fmt::format("its input's shape is unknown ({}-D); give 'input_shape' ({})", d.size(),
                          one_d ? "N" : "H, W"));
    C = d[0];
    H = one_d ? 1 : d[1];
    W = d[one_d ? 1 : 2];
  }
  if (uint64_t(C) * H * W != in_size)
    fail(n, fmt::format("shape mismatch: input ({}, {}, {}) has {} elements, its incoming edge carries {}", C, H, W,
                        C * H * W, in_size));
  const size_t dims = one_d ? 1 : 2;
  std::vector<int64_t> stride, dil, pad_lo, pad_hi;
  if (conv) {
    if (C != int64_t{cig} * groups || co % groups != 0)
      fail(n, fmt::format("groups = {} does not divide C_in = {} into {}-channel groups and C_out = {}", groups, C,
                          cig, co));
    stride = ints(n, "stride", dims, 1, 1);
    dil = ints(n, "dilation", dims, 1, 1);
  } else {
    // Required: without it the fallback 0 became the kernel and the stride (a division by zero).
    if (!has(n, "kernel_size")) fail(n, "missing parameter 'kernel_size'");
    const std::vector<int64_t> k = ints(n, "kernel_size", 2, 0, 1);
    kh = static_cast<uint32_t>(k[0]);
    kw = static_cast<uint32_t>(k[1]);
    co = static_cast<uint32_t>(C);
    stride = ints(n, "stride", 2, k[0], 1);
    dil = {1, 1};
  }
  if (one_d) {  // H is 1: no stride, dilation or padding across it
    stride.insert(stride.begin(), 1);
    dil.insert(dil.begin(), 1);
  }
  const int64_t kernel[2] = {kh, kw};
  auto ps = n.strings.find("padding");
  if (ps != n.strings.end()) {
    if (ps->second != "same" && ps->second != "valid")
      fail(n, fmt::format("padding '{}' (expected a number, 'same' or 'valid')", ps->second));
    for (int a = 0; a < 2; ++a) {
      int64_t total = 0;
      if (ps->second == "same") {
        if (stride[a] != 1) fail(n, "padding 'same' needs stride 1");
        total = dil[a] * (kernel[a] - 1);
      }
      pad_lo.push_back(total / 2);  // PyTorch puts the odd one at the end
      pad_hi.push_back(total - total / 2);
    }
  } else {
    std::vector<int64_t> p = ints(n, "padding", dims, 0, 0);
    if (one_d) p.insert(p.begin(), 0);
    pad_lo = p;
    pad_hi = p;
  }
  KernelGeometry geo;
  geo.channels_in = C;
  geo.height = H;
  geo.width = W;
  geo.channels_out = co;
  geo.groups = static_cast<uint32_t>(groups);
  geo.kernel_h = kh;
  geo.kernel_w = kw;
  for (int a = 0; a < 2; ++a) {
    geo.stride[a] = stride[a];
    geo.dilation[a] = dil[a];
    geo.pad_lo[a] = pad_lo[a];
    geo.pad_hi[a] = pad_hi[a];
  }
  geo.weight = conv ? &weight->values : nullptr;
  geo.pool_weight = t == "AvgPool2d" ? 1.0 / (double(kh) * kw) : 1.0;
  if (conv && has(n, "bias")) geo.bias = values(n, "bias", co);
  geo.one_d = one_d;
  Unrolled u;
  try {
    u = unroll_kernel(geo, kMaxMatrixEntries);
  } catch (const std::invalid_argument& e) {
    fail(n, e.what());
  }
  return unrolled_[n.name] = std::move(u);
}

void Importer::infer_dt() {
  if (opt_.dt_ms) {
    if (!(*opt_.dt_ms > 0 && std::isfinite(*opt_.dt_ms)))
      throw InputError(fmt::format("--dt-ms must be > 0, got {}", *opt_.dt_ms));
    dt_ms_ = *opt_.dt_ms;
    dt_note_ = fmt::format("dt = {} ms (--dt-ms)", dt_ms_);
    return;
  }
  // snnTorch writes r = tau / dt (its dt = 1e-4 s), so tau / r is the step it trained with. Norse writes
  // r = 1 and no dt.
  std::optional<double> ratio;
  bool all_r_one = true;
  for (const auto& n : g_.nodes) {
    const bool cuba = n.type == "CubaLIF" || n.type == "CubaLI";
    if (n.type != "LIF" && n.type != "LI" && !cuba) continue;
    const uint32_t size = size_of(n);
    const auto tau = values(n, cuba ? "tau_mem" : "tau", size), r = values(n, "r", size);
    for (uint32_t i = 0; i < size; ++i) {
      const double q = tau[i] / r[i];
      all_r_one = all_r_one && r[i] == 1.0;
      if (!ratio) ratio = q;
      if (!(std::abs(q - *ratio) <= 1e-6 * std::abs(*ratio)) || !(q > 0))
        throw InputError(escaped_text(fmt::format(
            "{}: --dt-ms is required: NIR stores no time step, and tau / r differs between neurons ({} in '{}' vs {}), "
            "so the file does not follow the r = tau/dt convention that would imply one",
            g_.file_name, q, n.name, *ratio)));
    }
  }
  if (!ratio)
    throw InputError(fmt::format("{}: --dt-ms is required: NIR stores no time step and no LIF/LI node implies one "
                                 "through r = tau/dt",
                                 g_.file_name));
  if (all_r_one)
    throw InputError(fmt::format("{}: --dt-ms is required: every LIF/LI node has r = 1 (Norse's convention, which "
                                 "stores no time step; Norse's default dt is 1 ms)",
                                 g_.file_name));
  // float32 files (torch exports) carry ~7 digits: 6 significant digits are what the file says.
  const double raw_ms = *ratio * opt_.time_unit_ms;
  dt_ms_ = std::strtod(fmt::format("{:.6g}", raw_ms).c_str(), nullptr);  // the double nearest the 6-digit decimal
  if (!(dt_ms_ > 0 && std::isfinite(dt_ms_)))
    throw InputError(fmt::format("{}: --dt-ms is required: the dt that r = tau/dt implies, {} ms, is not a usable step",
                                 g_.file_name, raw_ms));
  // nchip's export also writes its dt; take it when it is the one implied (bit-exact round trip).
  auto meta = g_.metadata.find("nchip_dt_ms");
  if (meta != g_.metadata.end() && meta->second.values.size() == 1 &&
      std::abs(meta->second.values[0] - dt_ms_) <= 1e-9 * dt_ms_)
    dt_ms_ = meta->second.values[0];
  dt_note_ = fmt::format("dt = {} ms, implied by r = tau/dt (snnTorch's export convention, 6 significant digits); --dt-ms overrides", dt_ms_);
}

// A NIR neuron node -> an nchip population and the projections into it.
void Importer::neuron(const NirNode& n, ir::Network& net) {
  const uint32_t size = size_of(n);
  const bool spiking = kind_of(n) == Kind::spiking;
  const bool cuba = n.type == "CubaLIF" || n.type == "CubaLI";
  const bool leaky = n.type == "LIF" || n.type == "LI" || cuba;
  // NIR's Threshold, z = H(x - theta) with H(0) = 0 (nir/ir/threshold.py: z = 1 if v > v_thr), has no
  // state: a lif with alpha = 0 (v[t+1] = input[t] + bias), reset to zero and no refractory period
  // spikes exactly when its input exceeds theta, with nchip's one step of synaptic delay.
  const bool memoryless = n.type == "Threshold";
  const double dt_nir = dt_ms_ / opt_.time_unit_ms;
  const bool euler = opt_.discretization == Discretization::euler;

  ir::Population pop = ir::make_population(
      n.name, !spiking ? ir::PopulationType::readout : cuba ? ir::PopulationType::cuba_lif : ir::PopulationType::lif, size);
  pop.readout_current = cuba && !spiking;  // CubaLI: a readout with a synaptic current
  const std::vector<double> r = memoryless ? std::vector<double>(size, 1.0) : values(n, "r", size);
  double alpha = 1.0, tau_ir_ms = dt_ms_ * kNoLeakTauSteps;
  std::vector<double> scale(size), leak_bias(size, 0.0);
  if (memoryless) {
    alpha = 0.0;
    tau_ir_ms = dt_ms_ * kMemorylessTauSteps;
    auto meta = n.params.find("metadata/nchip_tau_ms");  // nchip's export: the IR's own value
    if (meta != n.params.end() && meta->second.values.size() == 1 && meta->second.values[0] > 0 &&
        std::exp(-dt_ms_ / meta->second.values[0]) == 0.0)
      tau_ir_ms = meta->second.values[0];
    std::fill(scale.begin(), scale.end(), 1.0);  // x enters as it is
  } else if (leaky) {
    const char* tau_key = cuba ? "tau_mem" : "tau";
    const double tau = uniform(n, values(n, tau_key, size), tau_key);
    if (!(tau > 0)) fail(n, fmt::format("{} must be > 0, got {}", tau_key, tau));
    const std::vector<double> v_leak = values_or(n, "v_leak", size, 0.0);
    if (euler) {
      if (!(dt_nir < tau))
        fail(n, fmt::format("euler needs dt < tau (alpha = 1 - dt/tau = {}); use --discretization exact", 1 - dt_nir / tau));
      alpha = 1.0 - dt_nir / tau;
      // A tau so long that alpha rounds to 1 is a neuron without leak (IF's time constant).
      tau_ir_ms = alpha < 1.0 ? -dt_ms_ / std::log(alpha) : dt_ms_ * kNoLeakTauSteps;
    } else {
      alpha = std::exp(-dt_nir / tau);
      tau_ir_ms = tau * opt_.time_unit_ms;
    }
    // nchip's own export writes the exact IR value; keep it when it gives the same decay.
    auto meta = n.params.find("metadata/nchip_tau_ms");
    if (meta != n.params.end() && meta->second.values.size() == 1 &&
        std::abs(std::exp(-dt_ms_ / meta->second.values[0]) - alpha) <= 1e-12)
      tau_ir_ms = meta->second.values[0];
    for (uint32_t i = 0; i < size; ++i) {
      const double gain = euler ? dt_nir / tau : 1.0 - alpha;
      scale[i] = r[i] * gain;
      leak_bias[i] = gain * v_leak[i];
    }
  } else {
    for (uint32_t i = 0; i < size; ++i) scale[i] = r[i] * dt_nir;
    pop.leak = !spiking;  // IF: no leak, alpha = 1 exactly (an I readout keeps the 2^60-step tau)
  }
  std::string syn_text;
  if (cuba) {
    // CubaLIF and CubaLI: tau_syn dI/dt = -I + w_in S, tau_mem dv/dt = (v_leak - v) + r I. The chip's
    // current is the membrane's share of I, i = gain_mem r I, so i[t+1] = alpha_syn i[t] + gain_syn w_in
    // gain_mem r (W S): the weights carry both input scales, and alpha_syn is discretized like alpha.
    // A CubaLI readout is the same with y for v and no threshold (neuron.hpp's readout_drive).
    const double tau_syn = uniform(n, values(n, "tau_syn", size), "tau_syn");
    if (!(tau_syn > 0)) fail(n, fmt::format("tau_syn must be > 0, got {}", tau_syn));
    const std::vector<double> w_in = values_or(n, "w_in", size, 1.0);
    double alpha_syn = 0, syn_gain = 0;
    if (euler) {
      if (!(dt_nir < tau_syn))
        fail(n, fmt::format("euler needs dt < tau_syn (alpha_syn = 1 - dt/tau_syn = {}); use --discretization exact",
                            1 - dt_nir / tau_syn));
      alpha_syn = 1.0 - dt_nir / tau_syn;
      syn_gain = dt_nir / tau_syn;
      pop.tau_syn_ms = -dt_ms_ / std::log(alpha_syn);
    } else {
      alpha_syn = std::exp(-dt_nir / tau_syn);
      syn_gain = 1.0 - alpha_syn;
      pop.tau_syn_ms = tau_syn * opt_.time_unit_ms;
    }
    auto meta = n.params.find("metadata/nchip_tau_syn_ms");
    if (meta != n.params.end() && meta->second.values.size() == 1 &&
        std::abs(std::exp(-dt_ms_ / meta->second.values[0]) - alpha_syn) <= 1e-12)
      pop.tau_syn_ms = meta->second.values[0];
    for (uint32_t i = 0; i < size; ++i) scale[i] *= syn_gain * w_in[i];
    syn_text = fmt::format("alpha_syn {:.10g}", alpha_syn);
  }
  // r = tau/dt makes the scale 1 up to rounding (float32 files: ~1e-7); keep the weights as written.
  for (double& s : scale)
    if (std::abs(s - 1.0) <= 1e-6) s = 1.0;

  std::vector<double> row_scale = scale;
  std::string threshold_text, note;
  if (spiking) {
    const std::vector<double> v_th = values(n, memoryless ? "threshold" : "v_threshold", size);
    const std::vector<double> v_reset = values_or(n, "v_reset", size, 0.0);
    // nchip's export records each population's reset (NIR has none); else --reset decides. Without
    // memory only a reset to zero keeps z = H(x - theta): a subtraction would carry -theta over.
    auto reset_meta = n.params.find("metadata/nchip_reset_zero");
    const bool reset_zero = memoryless || (reset_meta != n.params.end() && reset_meta->second.values.size() == 1
                                               ? reset_meta->second.values[0] != 0.0
                                               : opt_.reset == ResetMode::zero);
    if (reset_zero) {
      pop.reset = ir::ResetMode::zero;
      for (double x : v_reset)
        if (x != 0.0)
          fail(n, fmt::format("--reset zero: v_reset = {}, but nchip's reset to zero sets v to 0; pass --reset "
                              "subtract to reset by subtracting v_th instead",
                              x));
    }
    const bool same = std::all_of(v_th.begin(), v_th.end(), [&](double x) { return x == v_th[0]; });
    for (double x : v_th)
      if (!(x > 0))
        fail(n, memoryless ? fmt::format("threshold must be > 0 (nchip's neurons spike at v > v_th > 0), got {}", x)
                           : fmt::format("v_threshold must be > 0, got {}", x));
    if (same) {
      pop.v_th = v_th[0];
      threshold_text = fmt::format("{}", v_th[0]);
    } else {
      // Dividing a neuron's voltage by its threshold leaves its spikes unchanged under reset by
      // subtraction: v/v_th integrates W/v_th and loses 1 per spike.
      pop.v_th = 1.0;
      for (uint32_t i = 0; i < size; ++i) row_scale[i] /= v_th[i];
      threshold_text = "1 (per-neuron v_th folded into weights)";
    }
    pop.tau_m_ms = tau_ir_ms;
    auto t_ref = n.params.find("metadata/nchip_t_ref_ms");  // nchip's export extension
    if (t_ref != n.params.end() && t_ref->second.values.size() == 1) {
      pop.t_ref_ms = t_ref->second.values[0];
      if (!(pop.t_ref_ms >= 0 && std::isfinite(pop.t_ref_ms)))
        fail(n, fmt::format("metadata/nchip_t_ref_ms must be >= 0, got {}", pop.t_ref_ms));
      note = fmt::format("t_ref {} ms (nchip metadata)", pop.t_ref_ms);
    }
    if (!reset_zero && std::any_of(v_reset.begin(), v_reset.end(), [](double x) { return x != 0.0; }))
      note += std::string(note.empty() ? "" : "; ") + "v_reset ignored (reset by subtraction)";
    if (!syn_text.empty()) note += std::string(note.empty() ? "" : "; ") + syn_text;
  } else {
    pop.tau_out_ms = tau_ir_ms;
    if (!syn_text.empty()) note = syn_text;
  }

  Flow in = gather(n);
  bool any_bias = false, any_synaptic_bias = false;
  std::vector<double> bias(size), synaptic_bias(size, 0.0);
  for (uint32_t i = 0; i < size; ++i) {
    // A per-neuron threshold folded into the weights divides the bias alike (row_scale / scale).
    const double fold = scale[i] != 0.0 ? row_scale[i] / scale[i] : 1.0;
    // An Affine bias is part of the node's input: a CubaLIF's or CubaLI's enters its current I,
    // tau_syn dI/dt = -I + w_in (W S + b), with the weights' scale (synaptic_bias); v_leak enters v.
    if (cuba) {
      synaptic_bias[i] = scale[i] * in.bias[i] * fold;
      any_synaptic_bias = any_synaptic_bias || synaptic_bias[i] != 0.0;
    }
    bias[i] = ((cuba ? 0.0 : scale[i] * in.bias[i]) + leak_bias[i]) * fold;
    any_bias = any_bias || bias[i] != 0.0;
  }
  if (any_synaptic_bias) pop.synaptic_bias = synaptic_bias;
  // nchip's export writes a spiking population's bias and v_leak exactly as metadata (NIR's v_leak
  // carries their sum for other tools); taken when they give the bias the file gives.
  auto exact_bias = n.params.find("metadata/nchip_bias");
  auto exact_leak = n.params.find("metadata/nchip_v_leak");
  if ((spiking || pop.readout_current) && leaky && exact_bias != n.params.end() && exact_bias->second.values.size() == size &&
      exact_leak != n.params.end() && exact_leak->second.values.size() == 1) {
    const double v_leak = exact_leak->second.values[0];
    const double leak_gain = spiking ? 1.0 - std::exp(-dt_ms_ / pop.tau_m_ms) : 0.0;  // what lowering adds per unit v_leak
    bool agrees = true;
    for (uint32_t i = 0; i < size; ++i) {
      const double b = exact_bias->second.values[i] + leak_gain * v_leak;
      agrees = agrees && std::abs(b - bias[i]) <= 1e-9 * (1 + std::abs(bias[i]));
    }
    if (agrees) {
      bias = exact_bias->second.values;
      if (spiking) pop.v_leak = v_leak;
      any_bias = std::any_of(bias.begin(), bias.end(), [](double b) { return b != 0.0; });
    }
  }
  if (any_bias) pop.bias = bias;
  net.populations.push_back(pop);

  std::string scale_text = fmt::format("{:.10g}", scale[0]);
  if (!std::all_of(scale.begin(), scale.end(), [&](double s) { return s == scale[0]; }))
    scale_text = "per neuron";
  std::string became = fmt::format("{} population '{}' ({})", ir::to_string(pop.type), n.name, size);
  if (memoryless) became += ", alpha 0 (no memory), reset zero";
  else if (spiking && pop.reset == ir::ResetMode::zero) became += ", reset zero";
  if (any_bias) note += std::string(note.empty() ? "" : "; ") + (cuba ? "bias from v_leak" : "bias from Affine/v_leak");
  if (any_synaptic_bias) note += std::string(note.empty() ? "" : "; ") + "Affine bias into the synaptic current";
  row(n, became, fmt::format("{:.10g}{}", alpha, leaky || memoryless ? "" : " (no leak)"), threshold_text, scale_text, note);

  for (auto& [src, part] : in.parts) {
    // A NIR path of d >= 1 steps becomes the projection's delay; d = 0 (an instantaneous edge) gets
    // nchip's shortest, 1 step (issue #14).
    if (part.delay_steps > int64_t{model::kMaxDelaySteps})
      fail(n, fmt::format("the path from '{}' has a delay of {} steps; nchip's delay ring holds at most {}", src,
                          part.delay_steps, model::kMaxDelaySteps));
    ir::Projection proj;
    proj.source = src;
    proj.target = n.name;
    proj.delay_steps = static_cast<uint32_t>(std::max<int64_t>(part.delay_steps, 1));
    Matrix& m = part.m;
    m.materialize();
    scale_rows(m, row_scale);  // drops entries that became 0
    std::string pnote = part.delay_steps == 0 ? "NIR delay 0, nchip adds its 1-step synaptic delay"
                                              : fmt::format("{}-step delay", proj.delay_steps);
    if (src == n.name) {
      for (uint32_t i = 0; i < size; ++i) {
        auto& row = m.entries[i];
        auto self = std::find_if(row.begin(), row.end(), [i](const auto& e) { return e.first == i; });
        if (self == row.end()) continue;
        if (!opt_.drop_self_connections)
          fail(n, fmt::format("recurrent weight of neuron {} onto itself is {}; nchip's recurrent projections have "
                              "no i -> i synapse (eq. 20); --drop-self-connections drops them",
                              i, self->second));
        row.erase(self);
      }
      pnote += opt_.drop_self_connections ? ", recurrent (self-connections dropped)" : ", recurrent";
    }
    // Mostly-zero matrices (unrolled convolutions, pooling) become sparse projections: the chip
    // stores only the synapses that exist.
    const uint64_t nonzero = m.nonzeros();
    const uint64_t cells = uint64_t{size} * m.cols;
    proj.dense = nonzero * 4 >= cells;
    if (proj.dense) {
      if (cells > kMaxMatrixEntries) fail(n, fmt::format("a dense projection of {} x {} is too large", size, m.cols));
      proj.weights.assign(cells, 0.0);
      for (uint32_t j = 0; j < size; ++j)
        for (const auto& [i, w] : m.entries[j]) proj.weights[size_t{j} * m.cols + i] = w;
    } else {
      proj.synapses.reserve(nonzero);
      for (uint32_t j = 0; j < size; ++j)
        for (const auto& [i, w] : m.entries[j]) proj.synapses.push_back({i, j, w});
      pnote += fmt::format(", sparse ({} synapses)", nonzero);
    }
    rows_.push_back({"", "", fmt::format("projection '{}' -> '{}' ({} x {})", src, n.name, size, part.m.cols), "", "",
                     "", pnote});
    net.projections.push_back(std::move(proj));
  }
}

ImportResult Importer::run() {
  for (const auto& n : g_.nodes)
    if (kind_of(n) == Kind::unsupported) fail(n, fmt::format("unknown NIR node type; {}", kSupported));
  for (const auto& e : g_.edges)
    if (kind_of(node(e.target)) == Kind::input) fail(node(e.target), "an Input node cannot be the target of an edge");
  infer_dt();
  ir::Network net;
  net.dt_ms = dt_ms_;
  std::string stem = g_.file_name.substr(g_.file_name.find_last_of('/') + 1);
  if (stem.size() > 4 && stem.substr(stem.size() - 4) == ".nir") stem.resize(stem.size() - 4);
  net.name = stem.empty() ? "network" : stem;
  for (const auto& n : g_.nodes)
    if (kind_of(n) == Kind::input) {
      net.populations.push_back(ir::make_population(n.name, ir::PopulationType::input, size_of(n)));
      row(n, fmt::format("input population '{}' ({})", n.name, size_of(n)));
    }
  for (const auto& n : g_.nodes) {
    const Kind k = kind_of(n);
    if (k != Kind::spiking && k != Kind::readout) continue;
    neuron(n, net);
  }
  for (const auto& n : g_.nodes) {
    const Kind k = kind_of(n);
    if (k == Kind::output) {
      std::string from;
      for (const auto& p : output_sources(n)) from += (from.empty() ? "" : ", ") + p;
      row(n, from.empty() ? "nothing (no incoming edge)" : fmt::format("marks '{}' as a network output", from));
    } else if (k == Kind::linear) {
      const bool used = flows_.count(n.name) > 0;
      std::string what = n.type == "Affine" || n.type == "Linear" ? "weights folded into the projections"
                         : n.type == "Scale"                      ? "scale folded into the projections"
                         : n.type == "Delay"                      ? "delay of the projections"
                         : is_unrolled(n.type)                    ? "unrolled into the projections"
                                                                  : "identity (index order kept)";
      row(n, used ? what : "unused (reaches no neuron)");
    }
  }
  ir::validate(net, g_.file_name);
  ImportResult result;
  result.network = std::move(net);
  result.rows = std::move(rows_);
  result.dt_note = dt_note_;
  return result;
}

}  // namespace

ImportResult import_nir(const NirGraph& graph, const ImportOptions& options) {
  return Importer(graph, options).run();
}

ImportResult import_nir_file(const std::string& file_name, const ImportOptions& options) {
  return import_nir(read_nir_graph(file_name), options);
}

std::string import_table(const ImportResult& result) {
  const std::vector<std::string> head = {"NIR node", "type", "became", "decay", "v_th", "weight scale", "note"};
  std::vector<std::vector<std::string>> cells = {head};
  for (const auto& r : result.rows) cells.push_back({r.node, r.type, r.became, r.decay, r.threshold, r.scale, r.note});
  std::vector<size_t> width(head.size(), 0);
  for (const auto& row : cells)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (const auto& row : cells) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c)
      line += c + 1 < row.size() ? fmt::format("{:<{}}  ", row[c], width[c]) : row[c];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace nchip::nir
