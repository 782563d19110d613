// The one RAII owner of HDF5 C API identifiers (file, group, dataset, dataspace, datatype,
// attribute, property list), used by the NIR reader/writer and the trial-set container
// (runtime/data): each closes its id once, on destruction, with the close function given
// (H5Fclose, H5Gclose, ...). hid_t is a 64-bit integer and herr_t an int since HDF5 1.10 (the .cpp
// files that create handles assert it), so this header needs no <hdf5.h> and the headers that hold
// a handle keep HDF5 out of their users' include paths.
#pragma once

#include <cstdint>
#include <utility>

namespace nchip::hdf5 {

class Handle {
 public:
  using Closer = int (*)(int64_t);
  Handle() = default;
  Handle(int64_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  int64_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  int64_t id_ = -1;
  Closer close_ = nullptr;
};

}  // namespace nchip::hdf5
