// Reading the trial-set container. Each dataset is checked for presence, type class (integer or
// float) and shape before it is read; values are read through HDF5's conversion into int64 or
// double, then checked against the set's shape, so a file written by h5py with any integer or
// float width works and a wrong one gets a line naming the dataset. The file is read into memory
// once and parsed from there, first in a guarded child process (compiler/nir/hdf5_guard.hpp).
#include <fmt/core.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "compiler/nir/hdf5_file_image.hpp"
#include "compiler/nir/hdf5_guard.hpp"
#include "compiler/nir/hdf5_handle.hpp"
#include "compiler/nir/hdf5_number_type.hpp"
#include "hw_model/error.hpp"
#include "runtime/data/trial_set_h5.hpp"
#include "runtime/tasks/spike_file.hpp"

namespace nchip::runtime {

namespace {

// Bounds that keep a small malformed file from allocating gigabytes: the spike file's.
constexpr int64_t kMaxSteps = kSpikeFileMaxSteps;
constexpr int64_t kMaxChannels = 1 << 24;
constexpr int64_t kMaxOutputs = kSpikeFileMaxOutputs;
constexpr hsize_t kMaxElements = hsize_t{1} << 32;

// The file's contents as read through libhdf5, before the trials are built from them.
struct RawTrialSet {
  double dt_ms = 0;
  int64_t steps = 0, n_inputs = 0, n_outputs = 0;
  size_t n_trials = 0;
  std::vector<int64_t> offsets, times, channels;  // CSR input events
  bool regression = false;
  std::vector<double> targets;  // regression
  std::vector<int64_t> mask;
  std::vector<int64_t> labels, windows, label_offsets;  // classification
  std::vector<int64_t> split;  // empty: all training
};

class Reader {
 public:
  explicit Reader(const hdf5::FileImage& image) : path_(image.path), image_(image) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw InputError(fmt::format("{}: {}: {}", path_, where, what));
  }

  void open() {
    if (!hdf5::has_hdf5_signature(image_))
      throw InputError(path_ + ": not an HDF5 file (a trial set is HDF5, runtime/data/README.md)");
    file_ = hdf5::open_file_image(image_);
    if (!file_.valid()) throw InputError(path_ + ": cannot open as HDF5");
  }

  bool has(const std::string& object) const {
    // H5Lexists fails (negative) when an intermediate group is missing: check each level.
    size_t slash = 0;
    while ((slash = object.find('/', slash + 1)) != std::string::npos)
      if (H5Lexists(file_.get(), object.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) return false;
    return H5Lexists(file_.get(), object.c_str(), H5P_DEFAULT) > 0;
  }

  // A scalar root attribute of integer (or, with `real`, float) class.
  double attribute(const char* name, bool real) const {
    const std::string where = fmt::format("/ attribute '{}'", name);
    if (H5Aexists(file_.get(), name) <= 0) fail(where, "missing");
    const hdf5::Handle a(H5Aopen(file_.get(), name, H5P_DEFAULT), H5Aclose);
    const hdf5::Handle type(H5Aget_type(a.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (!(cls == H5T_INTEGER || (real && cls == H5T_FLOAT)))
      fail(where, fmt::format("expected {}, got {}", real ? "a number" : "an integer", class_name(cls)));
    const std::string type_problem = nir::number_type_problem(type.get());
    if (!type_problem.empty()) fail(where, type_problem);
    const hdf5::Handle space(H5Aget_space(a.get()), H5Sclose);
    if (H5Sget_simple_extent_npoints(space.get()) != 1) fail(where, "expected a single value");
    if (cls == H5T_INTEGER) {
      int64_t v = 0;
      if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) fail(where, "cannot read");
      return static_cast<double>(v);
    }
    double v = 0;
    if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) fail(where, "cannot read");
    return v;
  }

  int64_t integer_attribute(const char* name, int64_t lo, int64_t hi) const {
    const double v = attribute(name, false);
    if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)))
      fail(fmt::format("/ attribute '{}'", name), fmt::format("{} outside [{}, {}]", v, lo, hi));
    return static_cast<int64_t>(v);
  }

  // Dims of `name` after checking its class and rank.
  std::vector<hsize_t> shape(const std::string& name, H5T_class_t expected, int rank) const {
    if (!has(name)) fail(name, "missing dataset");
    const hdf5::Handle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid()) fail(name, "not a dataset");
    const hdf5::Handle type(H5Dget_type(d.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != expected)
      fail(name, fmt::format("expected {} values, got {}", class_name(expected), class_name(cls)));
    const std::string type_problem = nir::number_type_problem(type.get());
    if (!type_problem.empty()) fail(name, type_problem);
    const hdf5::Handle space(H5Dget_space(d.get()), H5Sclose);
    const int ndims = H5Sget_simple_extent_ndims(space.get());
    if (ndims != rank) fail(name, fmt::format("expected {} dimension{}, got {}", rank, rank == 1 ? "" : "s", ndims));
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
  }

  template <class T>
  std::vector<T> read(const std::string& name, const std::vector<hsize_t>& dims) const {
    const hdf5::Handle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    hsize_t n = 1;
    for (hsize_t x : dims) {
      // A dataset may declare far more elements than the file holds (unwritten chunks read as
      // fill values): refuse before allocating.
      if (x != 0 && n > kMaxElements / x) fail(name, "larger than 2^32 elements");
      n *= x;
    }
    std::vector<T> out(static_cast<size_t>(n) + 1);  // +1: never a null buffer for 0 elements
    const hid_t mem = std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
    if (H5Dread(d.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) fail(name, "cannot read");
    out.pop_back();
    return out;
  }

  std::vector<int64_t> integers(const std::string& name, int rank, std::vector<hsize_t>* dims_out = nullptr) const {
    const auto dims = shape(name, H5T_INTEGER, rank);
    if (dims_out) *dims_out = dims;
    return read<int64_t>(name, dims);
  }

  static const char* class_name(H5T_class_t cls) {
    switch (cls) {
      case H5T_INTEGER: return "integer";
      case H5T_FLOAT: return "float";
      case H5T_STRING: return "string";
      case H5T_COMPOUND: return "compound";
      case H5T_ENUM: return "enum";
      case H5T_ARRAY: return "array";
      default: return "non-numeric";
    }
  }

  // The CSR offsets of `name`: count + 1 entries, 0 first, non-decreasing, `total` last.
  void check_offsets(const std::string& name, const std::vector<int64_t>& offsets, size_t total) const {
    if (offsets.empty() || offsets.front() != 0) fail(name, "must start with 0");
    for (size_t i = 1; i < offsets.size(); ++i)
      if (offsets[i] < offsets[i - 1])
        fail(fmt::format("{}[{}]", name, i), fmt::format("{} < the previous offset {}", offsets[i], offsets[i - 1]));
    if (static_cast<uint64_t>(offsets.back()) != total)
      fail(name, fmt::format("ends at {}, but there are {} entries", offsets.back(), total));
  }

  RawTrialSet read_raw();
  TrialSet build(const RawTrialSet& raw) const;

 private:
  std::string path_;
  const hdf5::FileImage& image_;
  hdf5::Handle file_;
};

// Phase 1, everything libhdf5 does: attributes, dataset classes and shapes, and every dataset
// read into memory, with the checks that need no loop over trials. The guarded child runs only
// this (compiler/nir/hdf5_guard.hpp): the per-trial work of phase 2 is pure C++ and can take
// seconds on a large set (Fashion-MNIST's 70000 trials), so it is done once, in-process.
RawTrialSet Reader::read_raw() {
  open();
  RawTrialSet raw;
  const int64_t version = integer_attribute("nchip_trials_version", 0, std::numeric_limits<int32_t>::max());
  if (version != kTrialSetFormatVersion)
    fail("/ attribute 'nchip_trials_version'", fmt::format("version {} is not supported (this nchip reads {})",
                                                           version, kTrialSetFormatVersion));
  raw.dt_ms = attribute("dt_ms", true);
  if (!(raw.dt_ms > 0)) fail("/ attribute 'dt_ms'", fmt::format("{} is not a positive time step", raw.dt_ms));
  raw.steps = integer_attribute("steps", 1, kMaxSteps);
  raw.n_inputs = integer_attribute("n_inputs", 1, kMaxChannels);
  raw.n_outputs = integer_attribute("n_outputs", 1, kMaxOutputs);

  // Input events, CSR over trials.
  std::vector<hsize_t> dims;
  raw.offsets = integers("/spikes/offsets", 1, &dims);
  if (dims[0] < 2) fail("/spikes/offsets", "empty trial set (offsets needs trials + 1 entries, at least 2)");
  raw.n_trials = static_cast<size_t>(dims[0] - 1);
  const size_t n_trials = raw.n_trials;
  raw.times = integers("/spikes/times", 1, &dims);
  raw.channels = integers("/spikes/channels", 1);
  if (raw.channels.size() != raw.times.size())
    fail("/spikes/channels", fmt::format("{} entries, but /spikes/times has {}", raw.channels.size(), raw.times.size()));
  check_offsets("/spikes/offsets", raw.offsets, raw.times.size());

  const bool regression = has("/targets"), classification = has("/labels");
  if (regression == classification)
    fail("/", regression ? "both /targets (regression) and /labels (classification); keep one"
                         : "neither /targets (regression) nor /labels (classification)");
  raw.regression = regression;
  if (regression) {
    const auto tdims = shape("/targets", H5T_FLOAT, 3);
    if (tdims[0] != n_trials || tdims[1] != static_cast<hsize_t>(raw.steps) ||
        tdims[2] != static_cast<hsize_t>(raw.n_outputs))
      fail("/targets", fmt::format("shape [{}, {}, {}], expected [trials, steps, n_outputs] = [{}, {}, {}]", tdims[0],
                                   tdims[1], tdims[2], n_trials, raw.steps, raw.n_outputs));
    raw.targets = read<double>("/targets", tdims);
    if (has("/mask")) {
      std::vector<hsize_t> mdims;
      raw.mask = integers("/mask", 2, &mdims);
      if (mdims[0] != n_trials || mdims[1] != static_cast<hsize_t>(raw.steps))
        fail("/mask", fmt::format("shape [{}, {}], expected [trials, steps] = [{}, {}]", mdims[0], mdims[1], n_trials,
                                  raw.steps));
    }
    if (has("/windows") || has("/label_offsets")) fail(has("/windows") ? "/windows" : "/label_offsets",
                                                       "belongs to classification (/labels), not to /targets");
  } else {
    if (has("/mask")) fail("/mask", "belongs to regression (/targets); classification masks are its windows");
    raw.labels = integers("/labels", 1);
    std::vector<hsize_t> wdims;
    raw.windows = integers("/windows", 2, &wdims);
    if (wdims[0] != raw.labels.size() || wdims[1] != 2)
      fail("/windows",
           fmt::format("shape [{}, {}], expected [labels, 2] = [{}, 2]", wdims[0], wdims[1], raw.labels.size()));
    raw.label_offsets.resize(n_trials + 1);
    if (has("/label_offsets")) {
      std::vector<hsize_t> ldims;
      raw.label_offsets = integers("/label_offsets", 1, &ldims);
      if (ldims[0] != n_trials + 1)
        fail("/label_offsets", fmt::format("{} entries, expected trials + 1 = {}", ldims[0], n_trials + 1));
      check_offsets("/label_offsets", raw.label_offsets, raw.labels.size());
    } else {
      if (raw.labels.size() != n_trials)
        fail("/labels", fmt::format("{} labels for {} trials (without /label_offsets, one label per trial)",
                                    raw.labels.size(), n_trials));
      std::iota(raw.label_offsets.begin(), raw.label_offsets.end(), int64_t{0});
    }
  }
  if (has("/split")) {
    std::vector<hsize_t> sdims;
    raw.split = integers("/split", 1, &sdims);
    if (sdims[0] != n_trials) fail("/split", fmt::format("{} entries for {} trials", sdims[0], n_trials));
  }
  return raw;
}

// Phase 2: the trials, every value checked against the set's shape (no libhdf5 here).
TrialSet Reader::build(const RawTrialSet& raw) const {
  TrialSet set;
  set.dt_ms = raw.dt_ms;
  set.steps = static_cast<uint32_t>(raw.steps);
  set.n_inputs = static_cast<uint32_t>(raw.n_inputs);
  set.n_outputs = static_cast<uint32_t>(raw.n_outputs);
  const size_t n_trials = raw.n_trials;
  const auto& offsets = raw.offsets;
  const auto& times = raw.times;
  const auto& channels = raw.channels;
  set.loss = raw.regression ? LossKind::mse : LossKind::cross_entropy;
  set.shape_trials(n_trials);
  for (size_t i = 0; i < n_trials; ++i) {
    Trial& t = set.trials[i];
    for (auto e = static_cast<size_t>(offsets[i]); e < static_cast<size_t>(offsets[i + 1]); ++e) {
      if (times[e] < 0 || times[e] >= set.steps)
        fail(fmt::format("/spikes/times[{}]", e),
             fmt::format("step {} of trial {} is outside the trial [0, {})", times[e], i, set.steps));
      if (channels[e] < 0 || channels[e] >= set.n_inputs)
        fail(fmt::format("/spikes/channels[{}]", e),
             fmt::format("channel {} of trial {} is outside [0, n_inputs = {})", channels[e], i, set.n_inputs));
      t.input_spikes[static_cast<size_t>(times[e])].push_back(static_cast<uint32_t>(channels[e]));
    }
    // Events may come in any order; the chip takes each step's channels sorted, at most once.
    for (uint32_t s = 0; s < set.steps; ++s) {
      auto& row = t.input_spikes[s];
      std::sort(row.begin(), row.end());
      const auto dup = std::adjacent_find(row.begin(), row.end());
      if (dup != row.end())
        fail("/spikes/channels", fmt::format("trial {} has two events on channel {} at step {} (one spike per "
                                             "channel and step)", i, *dup, s));
    }
  }

  if (raw.regression) {
    const size_t per_trial = static_cast<size_t>(set.steps) * set.n_outputs;
    for (size_t i = 0; i < n_trials; ++i) {
      Trial& t = set.trials[i];
      t.target.assign(raw.targets.begin() + static_cast<std::ptrdiff_t>(i * per_trial),
                      raw.targets.begin() + static_cast<std::ptrdiff_t>((i + 1) * per_trial));
      for (size_t k = 0; k < per_trial; ++k)
        if (!std::isfinite(t.target[k]))
          fail(fmt::format("/targets[{}][{}][{}]", i, k / set.n_outputs, k % set.n_outputs), "not a finite number");
      t.target_mask.assign(set.steps, 1);
      if (!raw.mask.empty())
        for (uint32_t s = 0; s < set.steps; ++s) {
          const int64_t m = raw.mask[i * set.steps + s];
          if (m != 0 && m != 1) fail(fmt::format("/mask[{}][{}]", i, s), fmt::format("{} is not 0 or 1", m));
          t.target_mask[s] = static_cast<uint8_t>(m);
        }
    }
  } else {
    const auto& labels = raw.labels;
    const auto& windows = raw.windows;
    for (size_t i = 0; i < n_trials; ++i) {
      Trial& t = set.trials[i];
      for (auto k = static_cast<size_t>(raw.label_offsets[i]); k < static_cast<size_t>(raw.label_offsets[i + 1]); ++k) {
        if (labels[k] < 0 || labels[k] >= set.n_outputs)
          fail(fmt::format("/labels[{}]", k),
               fmt::format("label {} of trial {} is outside [0, n_outputs = {})", labels[k], i, set.n_outputs));
        const int64_t first = windows[2 * k], last = windows[2 * k + 1];
        if (!(first >= 0 && first < last && last <= set.steps))
          fail(fmt::format("/windows[{}]", k), fmt::format("[{}, {}) of trial {} is empty or outside the trial [0, {})",
                                                           first, last, i, set.steps));
        t.labels.push_back(static_cast<int>(labels[k]));
        t.label_windows.emplace_back(static_cast<uint32_t>(first), static_cast<uint32_t>(last));
      }
      fill_classification_target(t);
    }
  }

  set.split.assign(n_trials, TrialSplit::training);
  for (size_t i = 0; i < raw.split.size(); ++i) {
    if (raw.split[i] < 0 || raw.split[i] > 2)
      fail(fmt::format("/split[{}]", i), fmt::format("{} is not 0 (training), 1 (validation) or 2 (test)", raw.split[i]));
    set.split[i] = static_cast<TrialSplit>(raw.split[i]);
  }
  return set;
}

}  // namespace

TrialSet read_trial_set(const std::string& path) {
  const hdf5::FileImage image = hdf5::read_file_image(path);
  // libhdf5 may crash, hang or exhaust memory on a damaged file: parse in a guarded child first.
  // Only libhdf5's part runs there (phase 1); building the trials (phase 2) needs no guard.
  hdf5::check_parse_in_child(image, [&] { Reader(image).read_raw(); });
  Reader reader(image);
  return reader.build(reader.read_raw());
}

}  // namespace nchip::runtime
