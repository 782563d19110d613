// Writing the trial-set container (format: runtime/data/README.md). Datasets are written with
// the narrowest standard types that hold them (uint32 events, float64 targets, int32 labels,
// uint8 mask and split), large 1-D ones chunked and deflated; object timestamps are off so the
// same set gives the same bytes.
#include <fmt/core.h>
#include <hdf5.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "compiler/nir/hdf5_handle.hpp"
#include "hw_model/error.hpp"
#include "runtime/data/trial_set_h5.hpp"

namespace nchip::runtime {

namespace {

constexpr hsize_t kChunkElements = 1 << 16;

class Writer {
 public:
  Writer(std::string path, hid_t file) : path_(std::move(path)), file_(file) {}

  void check(herr_t status, const std::string& what) const {
    if (status < 0) throw InputError(fmt::format("{}: cannot write {}", path_, what));
  }

  template <class T>
  void attribute(const char* name, hid_t file_type, hid_t mem_type, T value) const {
    const hdf5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    const hdf5::Handle a(H5Acreate2(file_, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.valid() ? H5Awrite(a.get(), mem_type, &value) : -1, fmt::format("attribute '{}'", name));
  }

  template <class T>
  void dataset(const char* name, hid_t file_type, hid_t mem_type, const std::vector<T>& values,
               std::vector<hsize_t> dims) const {
    const hdf5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
    const hdf5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_obj_track_times(dcpl.get(), false);
    if (dims.size() == 1 && dims[0] > kChunkElements) {
      const hsize_t chunk = kChunkElements;
      H5Pset_chunk(dcpl.get(), 1, &chunk);
      H5Pset_deflate(dcpl.get(), 6);
    }
    const hdf5::Handle d(H5Dcreate2(file_, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose);
    const T none{};
    check(d.valid() ? H5Dwrite(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.empty() ? &none : values.data())
                    : -1,
          name);
  }

  void group(const char* name) const {
    const hdf5::Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    H5Pset_obj_track_times(gcpl.get(), false);
    const hdf5::Handle g(H5Gcreate2(file_, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
    check(g.valid() ? 0 : -1, name);
  }

 private:
  std::string path_;
  hid_t file_;
};

void write_contents(const Writer& w, const TrialSet& set) {
  w.attribute<int64_t>("nchip_trials_version", H5T_STD_I32LE, H5T_NATIVE_INT64, kTrialSetFormatVersion);
  w.attribute<double>("dt_ms", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, set.dt_ms);
  w.attribute<uint32_t>("steps", H5T_STD_U32LE, H5T_NATIVE_UINT32, set.steps);
  w.attribute<uint32_t>("n_inputs", H5T_STD_U32LE, H5T_NATIVE_UINT32, set.n_inputs);
  w.attribute<uint32_t>("n_outputs", H5T_STD_U32LE, H5T_NATIVE_UINT32, set.n_outputs);

  const size_t n = set.trials.size();
  std::vector<uint32_t> times, channels;
  std::vector<uint64_t> offsets{0};
  for (const Trial& t : set.trials) {
    for (uint32_t s = 0; s < t.steps; ++s)
      for (uint32_t c : t.input_spikes[s]) {
        times.push_back(s);
        channels.push_back(c);
      }
    offsets.push_back(times.size());
  }
  w.group("spikes");
  w.dataset("/spikes/times", H5T_STD_U32LE, H5T_NATIVE_UINT32, times, {times.size()});
  w.dataset("/spikes/channels", H5T_STD_U32LE, H5T_NATIVE_UINT32, channels, {channels.size()});
  w.dataset("/spikes/offsets", H5T_STD_U64LE, H5T_NATIVE_UINT64, offsets, {offsets.size()});

  if (set.loss == LossKind::mse) {
    std::vector<double> targets;
    std::vector<uint8_t> mask;
    bool all_masked_in = true;
    for (const Trial& t : set.trials) {
      targets.insert(targets.end(), t.target.begin(), t.target.end());
      mask.insert(mask.end(), t.target_mask.begin(), t.target_mask.end());
      for (uint8_t m : t.target_mask) all_masked_in = all_masked_in && m == 1;
    }
    w.dataset("/targets", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, targets, {n, set.steps, set.n_outputs});
    if (!all_masked_in) w.dataset("/mask", H5T_STD_U8LE, H5T_NATIVE_UINT8, mask, {n, set.steps});
  } else {
    std::vector<int32_t> labels;
    std::vector<uint32_t> windows;
    std::vector<uint64_t> label_offsets{0};
    bool one_per_trial = true;
    for (const Trial& t : set.trials) {
      for (size_t k = 0; k < t.labels.size(); ++k) {
        labels.push_back(t.labels[k]);
        windows.push_back(t.label_windows[k].first);
        windows.push_back(t.label_windows[k].second);
      }
      label_offsets.push_back(labels.size());
      one_per_trial = one_per_trial && t.labels.size() == 1;
    }
    w.dataset("/labels", H5T_STD_I32LE, H5T_NATIVE_INT32, labels, {labels.size()});
    w.dataset("/windows", H5T_STD_U32LE, H5T_NATIVE_UINT32, windows, {labels.size(), 2});
    if (!one_per_trial)
      w.dataset("/label_offsets", H5T_STD_U64LE, H5T_NATIVE_UINT64, label_offsets, {label_offsets.size()});
  }
  bool any_validation = false;
  std::vector<uint8_t> split;
  for (TrialSplit s : set.split) {
    split.push_back(static_cast<uint8_t>(s));
    any_validation = any_validation || s != TrialSplit::training;
  }
  if (any_validation) w.dataset("/split", H5T_STD_U8LE, H5T_NATIVE_UINT8, split, {n});
}

}  // namespace

void write_trial_set(const std::string& path, const TrialSet& set) {
  const std::string problem = trial_set_problem(set);
  if (!problem.empty()) throw std::invalid_argument("write_trial_set: " + problem);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become our one line, not HDF5 stderr
  const std::string tmp = path + ".tmp";
  try {
    {
      // The default creation properties track no file-level times; track_times is per object.
      const hdf5::Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
      if (!file.valid()) throw InputError(fmt::format("{}: cannot create", tmp));
      write_contents(Writer(tmp, file.get()), set);
      if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw InputError(fmt::format("{}: cannot write", tmp));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw InputError(fmt::format("{}: cannot write: {}", path, ec.message()));
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

}  // namespace nchip::runtime
