#include "runtime/data/idx_file.hpp"

#include <fmt/core.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "hw_model/error.hpp"

namespace nchip::runtime {

namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// zlib reads plain files through the same calls, so .gz and uncompressed IDX files both work.
void read_exactly(gzFile f, void* out, size_t bytes, const std::string& path, const char* what) {
  auto* p = static_cast<unsigned char*>(out);
  while (bytes > 0) {
    const unsigned chunk = bytes > (1u << 30) ? (1u << 30) : static_cast<unsigned>(bytes);
    const int got = gzread(f, p, chunk);
    if (got <= 0) throw InputError(fmt::format("{}: file ends inside the {} (truncated or not IDX)", path, what));
    p += got;
    bytes -= static_cast<size_t>(got);
  }
}

}  // namespace

IdxArray read_idx_file(const std::string& path, uint64_t max_items) {
  errno = 0;
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
  if (!f) throw InputError(fmt::format("{}: cannot read: {}", path, errno ? std::strerror(errno) : "gzopen failed"));
  unsigned char magic[4];
  read_exactly(f.get(), magic, 4, path, "header");
  if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0 || magic[3] > 4)
    throw InputError(fmt::format("{}: not an IDX file (magic {:02x}{:02x}{:02x}{:02x})", path, magic[0], magic[1],
                                 magic[2], magic[3]));
  if (magic[2] != 0x08)
    throw InputError(fmt::format("{}: IDX type 0x{:02x}, only unsigned bytes (0x08) are read", path, magic[2]));
  IdxArray a;
  uint64_t per_item = 1;
  for (int d = 0; d < magic[3]; ++d) {
    unsigned char b[4];
    read_exactly(f.get(), b, 4, path, "header");
    a.dims.push_back(uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3]);
    if (d > 0) per_item *= a.dims.back();
  }
  if (per_item > (1u << 24)) throw InputError(fmt::format("{}: items of {} values, more than this reader takes", path, per_item));
  if (a.dims[0] > max_items) a.dims[0] = static_cast<uint32_t>(max_items);
  a.values.resize(static_cast<size_t>(a.dims[0] * per_item));
  read_exactly(f.get(), a.values.data(), a.values.size(), path, "values");
  return a;
}

}  // namespace nchip::runtime
