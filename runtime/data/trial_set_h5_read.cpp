// Reading the trial-set container. Each dataset is checked for presence, type class (integer or
// float) and shape before it is read; values are read through HDF5's conversion into int64 or
// double, then checked against the set's shape, so a file written by h5py with any integer or
// float width works and a wrong one gets a line naming the dataset.
#include <fmt/core.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "compiler/nir/hdf5_number_type.hpp"
#include "compiler/nir/hdf5_handle.hpp"
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

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw InputError(fmt::format("{}: {}: {}", path_, where, what));
  }

  void open() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become our one line, not HDF5 stderr
    const htri_t is_hdf5 = H5Fis_hdf5(path_.c_str());
    if (is_hdf5 <= 0)
      throw InputError(fmt::format("{}: {}", path_, is_hdf5 == 0 ? "not an HDF5 file (a trial set is HDF5, "
                                                                   "runtime/data/README.md)"
                                                                 : "cannot open (missing or unreadable)"));
    file_ = hdf5::Handle(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
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

  TrialSet read_all();

 private:
  std::string path_;
  hdf5::Handle file_;
};

TrialSet Reader::read_all() {
  open();
  TrialSet set;
  const int64_t version = integer_attribute("nchip_trials_version", 0, std::numeric_limits<int32_t>::max());
  if (version != kTrialSetFormatVersion)
    fail("/ attribute 'nchip_trials_version'", fmt::format("version {} is not supported (this nchip reads {})",
                                                           version, kTrialSetFormatVersion));
  set.dt_ms = attribute("dt_ms", true);
  if (!(set.dt_ms > 0)) fail("/ attribute 'dt_ms'", fmt::format("{} is not a positive time step", set.dt_ms));
  set.steps = static_cast<uint32_t>(integer_attribute("steps", 1, kMaxSteps));
  set.n_inputs = static_cast<uint32_t>(integer_attribute("n_inputs", 1, kMaxChannels));
  set.n_outputs = static_cast<uint32_t>(integer_attribute("n_outputs", 1, kMaxOutputs));

  // Input events, CSR over trials.
  std::vector<hsize_t> dims;
  const auto offsets = integers("/spikes/offsets", 1, &dims);
  if (dims[0] < 2) fail("/spikes/offsets", "empty trial set (offsets needs trials + 1 entries, at least 2)");
  const size_t n_trials = static_cast<size_t>(dims[0] - 1);
  const auto times = integers("/spikes/times", 1, &dims);
  const auto channels = integers("/spikes/channels", 1);
  if (channels.size() != times.size())
    fail("/spikes/channels", fmt::format("{} entries, but /spikes/times has {}", channels.size(), times.size()));
  check_offsets("/spikes/offsets", offsets, times.size());

  const bool regression = has("/targets"), classification = has("/labels");
  if (regression == classification)
    fail("/", regression ? "both /targets (regression) and /labels (classification); keep one"
                         : "neither /targets (regression) nor /labels (classification)");
  set.loss = regression ? LossKind::mse : LossKind::cross_entropy;
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

  if (regression) {
    const auto tdims = shape("/targets", H5T_FLOAT, 3);
    if (tdims[0] != n_trials || tdims[1] != set.steps || tdims[2] != set.n_outputs)
      fail("/targets", fmt::format("shape [{}, {}, {}], expected [trials, steps, n_outputs] = [{}, {}, {}]", tdims[0],
                                   tdims[1], tdims[2], n_trials, set.steps, set.n_outputs));
    const auto targets = read<double>("/targets", tdims);
    std::vector<int64_t> mask;
    if (has("/mask")) {
      std::vector<hsize_t> mdims;
      mask = integers("/mask", 2, &mdims);
      if (mdims[0] != n_trials || mdims[1] != set.steps)
        fail("/mask", fmt::format("shape [{}, {}], expected [trials, steps] = [{}, {}]", mdims[0], mdims[1], n_trials,
                                  set.steps));
    }
    const size_t per_trial = static_cast<size_t>(set.steps) * set.n_outputs;
    for (size_t i = 0; i < n_trials; ++i) {
      Trial& t = set.trials[i];
      t.target.assign(targets.begin() + static_cast<std::ptrdiff_t>(i * per_trial),
                      targets.begin() + static_cast<std::ptrdiff_t>((i + 1) * per_trial));
      for (size_t k = 0; k < per_trial; ++k)
        if (!std::isfinite(t.target[k]))
          fail(fmt::format("/targets[{}][{}][{}]", i, k / set.n_outputs, k % set.n_outputs), "not a finite number");
      t.target_mask.assign(set.steps, 1);
      if (!mask.empty())
        for (uint32_t s = 0; s < set.steps; ++s) {
          const int64_t m = mask[i * set.steps + s];
          if (m != 0 && m != 1) fail(fmt::format("/mask[{}][{}]", i, s), fmt::format("{} is not 0 or 1", m));
          t.target_mask[s] = static_cast<uint8_t>(m);
        }
    }
    if (has("/windows") || has("/label_offsets")) fail(has("/windows") ? "/windows" : "/label_offsets",
                                                       "belongs to classification (/labels), not to /targets");
  } else {
    if (has("/mask")) fail("/mask", "belongs to regression (/targets); classification masks are its windows");
    const auto labels = integers("/labels", 1);
    std::vector<hsize_t> wdims;
    const auto windows = integers("/windows", 2, &wdims);
    if (wdims[0] != labels.size() || wdims[1] != 2)
      fail("/windows", fmt::format("shape [{}, {}], expected [labels, 2] = [{}, 2]", wdims[0], wdims[1], labels.size()));
    std::vector<int64_t> label_offsets(n_trials + 1);
    if (has("/label_offsets")) {
      std::vector<hsize_t> ldims;
      label_offsets = integers("/label_offsets", 1, &ldims);
      if (ldims[0] != n_trials + 1)
        fail("/label_offsets", fmt::format("{} entries, expected trials + 1 = {}", ldims[0], n_trials + 1));
      check_offsets("/label_offsets", label_offsets, labels.size());
    } else {
      if (labels.size() != n_trials)
        fail("/labels", fmt::format("{} labels for {} trials (without /label_offsets, one label per trial)",
                                    labels.size(), n_trials));
      std::iota(label_offsets.begin(), label_offsets.end(), int64_t{0});
    }
    for (size_t i = 0; i < n_trials; ++i) {
      Trial& t = set.trials[i];
      for (auto k = static_cast<size_t>(label_offsets[i]); k < static_cast<size_t>(label_offsets[i + 1]); ++k) {
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
  if (has("/split")) {
    std::vector<hsize_t> sdims;
    const auto split = integers("/split", 1, &sdims);
    if (sdims[0] != n_trials) fail("/split", fmt::format("{} entries for {} trials", sdims[0], n_trials));
    for (size_t i = 0; i < n_trials; ++i) {
      if (split[i] < 0 || split[i] > 2)
        fail(fmt::format("/split[{}]", i), fmt::format("{} is not 0 (training), 1 (validation) or 2 (test)", split[i]));
      set.split[i] = static_cast<TrialSplit>(split[i]);
    }
  }
  return set;
}

}  // namespace

TrialSet read_trial_set(const std::string& path) { return Reader(path).read_all(); }

}  // namespace nchip::runtime
