// For the targets that parse through libhdf5 (NIR graphs, trial sets): every HDF5 identifier the
// reader opened must be closed again when it returns or throws. libhdf5 is not instrumented, so a
// leaked file or dataset handle shows up in LeakSanitizer only as an anonymous allocation inside
// the library; counting the open identifiers names it as nchip's fault.
#pragma once

#include <hdf5.h>

#include <cstdio>
#include <cstdlib>

namespace nchip::fuzz {

inline void require_hdf5_ids_closed() {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) {
    std::fprintf(stderr, "fuzz finding: %zd HDF5 identifiers left open by the reader\n", open);
    std::abort();
  }
}

}  // namespace nchip::fuzz
