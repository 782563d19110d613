#include "compiler/nir/nir_import.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "hw_model/error.hpp"

namespace nchip::nir {

const char* to_string(Discretization d) { return d == Discretization::euler ? "euler" : "exact"; }
const char* to_string(ResetMode r) { return r == ResetMode::zero ? "zero" : "subtract"; }

namespace {

constexpr const char* kSupported =
    "supported: Input, Output, Affine, Linear, Scale, Flatten, Delay, LIF, IF, LI, I, NIRGraph";
// A time constant so long that exp(-dt/tau) is exactly 1.0 in double: IF and I have no leak.
constexpr double kNoLeakTauSteps = 1152921504606846976.0;  // 2^60
// Largest matrix one chain of linear nodes may build (dense doubles, 512 MiB).
constexpr uint64_t kMaxMatrixEntries = uint64_t{1} << 26;

struct Matrix {
  uint32_t rows = 0, cols = 0;
  std::vector<double> v;  // row-major
  double at(uint32_t r, uint32_t c) const { return v[size_t{r} * cols + c]; }
};

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

Kind kind_of(const NirNode& n) {
  const std::string& t = n.type;
  if (t == "Input") return n.top_level ? Kind::input : Kind::linear;
  if (t == "Output") return n.top_level ? Kind::output : Kind::linear;
  if (t == "LIF" || t == "IF") return Kind::spiking;
  if (t == "LI" || t == "I") return Kind::readout;
  if (t == "Affine" || t == "Linear" || t == "Scale" || t == "Flatten" || t == "Delay" || t == "Identity")
    return Kind::linear;
  return Kind::unsupported;
}

std::string why_unsupported(const std::string& type) {
  if (type == "CubaLIF" || type == "CubaLI")
    return "nchip's neurons have no synaptic current state (the CUBA neuron of issue #14 is not on the chip yet)";
  if (type == "Threshold") return "nchip has no stateless threshold unit (its spiking neurons keep a membrane)";
  if (type == "Conv1d" || type == "Conv2d" || type == "SumPool2d" || type == "AvgPool2d")
    return "convolution and pooling unrolling is not implemented yet";
  return "unknown NIR node type";
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
  [[noreturn]] void fail(const NirNode& n, const std::string& what) const {
    throw InputError(fmt::format("{}: {}: node '{}' ({}): {}", g_.file_name, n.hdf5_path, n.name, n.type, what));
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

  uint32_t checked_size(const NirNode& n, uint64_t size) const {
    if (size == 0 || size > std::numeric_limits<uint32_t>::max())
      fail(n, fmt::format("size {} out of range", size));
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
    } else if (t == "Affine" || t == "Linear") {
      const NumericArray& w = param(n, "weight");
      if (w.shape.size() != 2) fail(n, fmt::format("weight must be a 2-D matrix, got {} dimensions", w.shape.size()));
      size = checked_size(n, w.shape[0]);
    } else if (kind_of(n) == Kind::spiking || kind_of(n) == Kind::readout) {
      const uint64_t c = param_count(n, {"tau", "r", "v_leak", "v_threshold", "v_reset"});
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

  static Matrix identity(uint32_t n) {
    Matrix m{n, n, std::vector<double>(size_t{n} * n, 0.0)};
    for (uint32_t i = 0; i < n; ++i) m.v[size_t{i} * n + i] = 1.0;
    return m;
  }

  Matrix multiply(const NirNode& n, const Matrix& w, const Matrix& m) const {
    if (uint64_t{w.rows} * m.cols > kMaxMatrixEntries) fail(n, "the chain of linear nodes is too large to unroll");
    Matrix out{w.rows, m.cols, std::vector<double>(size_t{w.rows} * m.cols, 0.0)};
    for (uint32_t r = 0; r < w.rows; ++r)
      for (uint32_t k = 0; k < w.cols; ++k) {
        const double a = w.at(r, k);
        if (a == 0.0) continue;
        const double* src = &m.v[size_t{k} * m.cols];
        double* dst = &out.v[size_t{r} * m.cols];
        for (uint32_t c = 0; c < m.cols; ++c) dst[c] += a * src[c];
      }
    return out;
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
    for (size_t i = 0; i < part.m.v.size(); ++i) it->second.m.v[i] += part.m.v[i];
  }

  // What leaves the linear node `n`.
  const Flow& flow_out(const NirNode& n) {
    auto it = flows_.find(n.name);
    if (it != flows_.end()) return it->second;
    if (kind_of(n) == Kind::unsupported) fail(n, fmt::format("{}; {}", why_unsupported(n.type), kSupported));
    if (!visiting_.insert(n.name).second) fail(n, "is on a cycle without a neuron (NIR edges have no delay)");
    Flow in = gather(n);
    const uint32_t out_size = size_of(n);
    const std::string& t = n.type;
    if (t == "Affine" || t == "Linear") {
      const NumericArray& wa = param(n, "weight");
      Matrix w{static_cast<uint32_t>(wa.shape[0]), static_cast<uint32_t>(wa.shape[1]), wa.values};
      if (w.cols != in.bias.size())
        fail(n, fmt::format("shape mismatch: weight has {} columns, its input has {} elements", w.cols, in.bias.size()));
      for (auto& [src, part] : in.parts) part.m = multiply(n, w, part.m);
      Matrix b{w.cols, 1, in.bias};
      Matrix wb = multiply(n, w, b);
      in.bias = wb.v;
      if (t == "Affine") {
        const std::vector<double> bias = values(n, "bias", out_size);
        for (size_t i = 0; i < bias.size(); ++i) in.bias[i] += bias[i];
      }
    } else if (t == "Scale") {
      const std::vector<double> s = values(n, "scale", out_size);
      for (auto& [src, part] : in.parts)
        for (uint32_t r = 0; r < part.m.rows; ++r)
          for (uint32_t c = 0; c < part.m.cols; ++c) part.m.v[size_t{r} * part.m.cols + c] *= s[r];
      for (size_t i = 0; i < in.bias.size(); ++i) in.bias[i] *= s[i];
    } else if (t == "Delay") {
      const int64_t d = delay_steps(n);
      for (auto& [src, part] : in.parts) part.delay_steps += d;
      if (std::any_of(in.bias.begin(), in.bias.end(), [](double b) { return b != 0.0; }))
        row(n, "", "", "", "a constant bias passes a delay unchanged");
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

  void infer_dt();
  void neuron(const NirNode& n, ir::Network& net);

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

void Importer::infer_dt() {
  if (opt_.dt_ms) {
    if (!(*opt_.dt_ms > 0 && std::isfinite(*opt_.dt_ms)))
      throw InputError(fmt::format("--dt-ms must be > 0, got {}", *opt_.dt_ms));
    dt_ms_ = *opt_.dt_ms;
    dt_note_ = fmt::format("dt = {} ms (--dt-ms)", dt_ms_);
    return;
  }
  // snnTorch and Norse write r = tau / dt, so tau / r is the step they trained with.
  std::optional<double> ratio;
  for (const auto& n : g_.nodes) {
    if (n.type != "LIF" && n.type != "LI") continue;
    const uint32_t size = size_of(n);
    const auto tau = values(n, "tau", size), r = values(n, "r", size);
    for (uint32_t i = 0; i < size; ++i) {
      const double q = tau[i] / r[i];
      if (!ratio) ratio = q;
      if (!(std::abs(q - *ratio) <= 1e-6 * std::abs(*ratio)) || !(q > 0))
        throw InputError(fmt::format(
            "{}: --dt-ms is required: NIR stores no time step, and tau / r differs between neurons ({} in '{}' vs {}), "
            "so the file does not follow the r = tau/dt convention that would imply one",
            g_.file_name, q, n.name, *ratio));
    }
  }
  if (!ratio)
    throw InputError(fmt::format("{}: --dt-ms is required: NIR stores no time step and no LIF/LI node implies one "
                                 "through r = tau/dt",
                                 g_.file_name));
  // float32 files (torch exports) carry ~7 digits: 6 significant digits are what the file says.
  const double raw_ms = *ratio * opt_.time_unit_ms;
  const double digit = std::pow(10.0, std::floor(std::log10(raw_ms)) - 5);
  dt_ms_ = std::round(raw_ms / digit) * digit;
  // nchip's export also writes its dt; take it when it is the one implied (bit-exact round trip).
  auto meta = g_.metadata.find("nchip_dt_ms");
  if (meta != g_.metadata.end() && meta->second.values.size() == 1 &&
      std::abs(meta->second.values[0] - dt_ms_) <= 1e-9 * dt_ms_)
    dt_ms_ = meta->second.values[0];
  dt_note_ = fmt::format("dt = {} ms, implied by r = tau/dt (snnTorch/Norse convention, 6 significant digits); --dt-ms overrides", dt_ms_);
}

// A NIR neuron node -> an nchip population and the projections into it.
void Importer::neuron(const NirNode& n, ir::Network& net) {
  const uint32_t size = size_of(n);
  const bool spiking = kind_of(n) == Kind::spiking;
  const bool leaky = n.type == "LIF" || n.type == "LI";
  const double dt_nir = dt_ms_ / opt_.time_unit_ms;
  const bool euler = opt_.discretization == Discretization::euler;

  ir::Population pop = ir::make_population(n.name, spiking ? ir::PopulationType::lif : ir::PopulationType::readout, size);
  const std::vector<double> r = values(n, "r", size);
  double alpha = 1.0, tau_ir_ms = dt_ms_ * kNoLeakTauSteps;
  std::vector<double> scale(size), leak_bias(size, 0.0);
  if (leaky) {
    const double tau = uniform(n, values(n, "tau", size), "tau");
    if (!(tau > 0)) fail(n, fmt::format("tau must be > 0, got {}", tau));
    const std::vector<double> v_leak = values_or(n, "v_leak", size, 0.0);
    if (euler) {
      if (!(dt_nir < tau))
        fail(n, fmt::format("euler needs dt < tau (alpha = 1 - dt/tau = {}); use --discretization exact", 1 - dt_nir / tau));
      alpha = 1.0 - dt_nir / tau;
      tau_ir_ms = -dt_ms_ / std::log(alpha);
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
  }
  // r = tau/dt makes the scale 1 up to rounding (float32 files: ~1e-7); keep the weights as written.
  for (double& s : scale)
    if (std::abs(s - 1.0) <= 1e-6) s = 1.0;

  std::vector<double> row_scale = scale;
  std::string threshold_text, note;
  if (spiking) {
    const std::vector<double> v_th = values(n, "v_threshold", size);
    const std::vector<double> v_reset = values_or(n, "v_reset", size, 0.0);
    if (opt_.reset == ResetMode::zero)
      fail(n, "--reset zero: nchip's lif resets by subtracting v_th (eq. 20), not to v_reset; "
              "pass --reset subtract to map it that way (snnTorch's reset_mechanism='subtract')");
    if (std::any_of(leak_bias.begin(), leak_bias.end(), [](double b) { return b != 0.0; }))
      fail(n, "v_leak != 0 needs a constant input current, which nchip's lif has not");
    const bool same = std::all_of(v_th.begin(), v_th.end(), [&](double x) { return x == v_th[0]; });
    for (double x : v_th)
      if (!(x > 0)) fail(n, fmt::format("v_threshold must be > 0, got {}", x));
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
    if (std::any_of(v_reset.begin(), v_reset.end(), [](double x) { return x != 0.0; }))
      note = "v_reset ignored (reset by subtraction)";
  } else {
    pop.tau_out_ms = tau_ir_ms;
  }

  Flow in = gather(n);
  bool any_bias = false;
  std::vector<double> bias(size);
  for (uint32_t i = 0; i < size; ++i) {
    bias[i] = scale[i] * in.bias[i] + leak_bias[i];
    any_bias = any_bias || bias[i] != 0.0;
  }
  if (spiking && any_bias)
    fail(n, "an Affine bias reaches it, but nchip's lif has no bias current (only readouts have one)");
  if (!spiking && any_bias) pop.bias = bias;
  net.populations.push_back(pop);

  std::string scale_text = fmt::format("{}", scale[0]);
  if (!std::all_of(scale.begin(), scale.end(), [&](double s) { return s == scale[0]; }))
    scale_text = "per neuron";
  row(n, fmt::format("{} population '{}' ({})", spiking ? "lif" : "readout", n.name, size),
      fmt::format("{}{}", alpha, leaky ? "" : " (no leak)"), threshold_text, scale_text,
      note.empty() && any_bias ? "bias from Affine/v_leak" : note);

  for (auto& [src, part] : in.parts) {
    if (part.delay_steps > 1)
      fail(n, fmt::format("the path from '{}' has a delay of {} steps; nchip projections delay by exactly 1 "
                          "(multi-step delays are part of issue #14's chip work)",
                          src, part.delay_steps));
    ir::Projection proj;
    proj.source = src;
    proj.target = n.name;
    proj.dense = true;
    proj.weights = std::move(part.m.v);
    for (uint32_t j = 0; j < size; ++j)
      for (uint32_t i = 0; i < part.m.cols; ++i) {
        double& w = proj.weights[size_t{j} * part.m.cols + i];
        w *= row_scale[j];
        if (w == 0.0) w = 0.0;  // no -0.0 in the file
      }
    std::string pnote = part.delay_steps == 0 ? "NIR delay 0, nchip adds its 1-step synaptic delay" : "1-step delay";
    if (src == n.name) {
      for (uint32_t i = 0; i < size; ++i) {
        double& w = proj.weights[size_t{i} * size + i];
        if (w != 0.0 && !opt_.drop_self_connections)
          fail(n, fmt::format("recurrent weight of neuron {} onto itself is {}; nchip's recurrent projections have "
                              "no i -> i synapse (eq. 20); --drop-self-connections drops them",
                              i, w));
        w = 0.0;
      }
      pnote += opt_.drop_self_connections ? ", recurrent (self-connections dropped)" : ", recurrent";
    }
    rows_.push_back({"", "", fmt::format("projection '{}' -> '{}' ({} x {})", src, n.name, size, part.m.cols), "", "",
                     "", pnote});
    net.projections.push_back(std::move(proj));
  }
}

ImportResult Importer::run() {
  for (const auto& n : g_.nodes)
    if (kind_of(n) == Kind::unsupported) fail(n, fmt::format("{}; {}", why_unsupported(n.type), kSupported));
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
      for (const auto& p : preds_.at(n.name)) {
        const Kind pk = kind_of(node(p));
        if (pk != Kind::spiking && pk != Kind::readout)
          fail(n, fmt::format("is fed by the {} node '{}', not by a neuron: nchip's outputs are neuron populations",
                              node(p).type, p));
        from += (from.empty() ? "" : ", ") + p;
      }
      row(n, from.empty() ? "nothing (no incoming edge)" : fmt::format("marks '{}' as a network output", from));
    } else if (k == Kind::linear) {
      const bool used = flows_.count(n.name) > 0;
      std::string what = n.type == "Affine" || n.type == "Linear" ? "weights folded into the projections"
                         : n.type == "Scale"                      ? "scale folded into the projections"
                         : n.type == "Delay"                      ? "delay of the projections"
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
