// Owning wrappers of HDF5 C API identifiers (file, group, dataset, dataspace, datatype, attribute,
// property list): each closes its id once, on destruction, with the close function of its kind.
#pragma once

#include <hdf5.h>

#include <utility>

namespace nchip::runtime::h5 {

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropertyList = Handle<H5Pclose>;

// HDF5 prints its error stack to stderr by default; every failure here becomes one InputError
// line instead. Called by every entry point of the container code (idempotent, cheap).
inline void silence_error_stack() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace nchip::runtime::h5
