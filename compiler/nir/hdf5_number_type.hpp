// Which stored number types nchip's HDF5 readers (NIR graphs, trial sets) convert. libhdf5 1.10.8
// converts a number by the bit fields its type declares without checking them against the type's
// size: a float type whose exponent or mantissa lies beyond its bytes made H5Dread read past its
// buffer (SEGV; found by tests/fuzz/fuzz_nir). The writers of NIR files and trial sets use IEEE
// float32/float64 and plain integers, so only those are read. Header only: the caller links HDF5.
#pragma once

#include <hdf5.h>

#include <string>

namespace nchip::nir {

// "" when H5Dread may convert a dataset of `type` (integer or float class), else what is wrong.
inline std::string number_type_problem(hid_t type) {
  if (H5Tget_class(type) == H5T_FLOAT) {
    for (const hid_t ieee : {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE})
      if (H5Tequal(type, ieee) > 0) return "";
    return "stored float type is not IEEE float32 or float64";
  }
  const size_t bytes = H5Tget_size(type);
  const size_t bits = H5Tget_precision(type) + H5Tget_offset(type);
  if ((bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) || bits > 8 * bytes)
    return "stored integer type is inconsistent (" + std::to_string(bytes) + " bytes, " +
           std::to_string(bits) + " bits)";
  return "";
}

}  // namespace nchip::nir
