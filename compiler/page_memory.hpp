// Page-level memory for the lowering's transpose (issue #16, compile's peak memory): memory the
// compiler has read for the last time is handed back to the system at once, not when its vector
// goes, so the input network's synapse list, the transpose's buckets and the synapse matrices are
// not all resident together. Only whole pages inside a range are touched; nothing else changes.
#pragma once

#include <cstddef>
#include <vector>


namespace nchip::compiler {

// Drops the resident pages that lie wholly inside [data, data + bytes) (Linux MADV_DONTNEED on
// private memory): they read as zeros afterwards and take no memory until written again. Use only
// on memory whose contents are not needed any more, or are zero anyway. A no-op elsewhere.
void release_pages(const void* data, size_t bytes);

// For a range read front to back and released as it goes: releases the whole pages in [from, to)
// and returns where the next call should start (the end of the last page released, or `from` when
// none was), so consecutive calls release every whole page of the range, none twice.
const char* release_pages_between(const char* from, const char* to);

// v.assign(n, T{}) with the zeroed pages then released: the vector holds n zero values but no
// memory until its elements are written. For vectors that are filled piece by piece (the synapse
// matrices, block by block): memory grows with what is written. Ordinary pages, not 2 MB ones: a
// block's writes stay within a few MB, and on this machine a first touch of an advised 2 MB page
// costs 3-4 s a GB against 0.5 for 4 kB pages (bench/README.md, "Compiler", sixth session).
template <class T>
void assign_zeros_unresident(std::vector<T>& v, size_t n) {
  v.assign(n, T{});
  release_pages(v.data(), n * sizeof(T));
}

// Anonymous memory that is its own mapping (mmap; plain new elsewhere), so freeing it hands it back
// to the system at once instead of to malloc's free lists. Untouched pages take no memory.
class MappedBlock {
 public:
  MappedBlock() = default;
  explicit MappedBlock(size_t bytes);
  ~MappedBlock();
  MappedBlock(MappedBlock&& other) noexcept : data_(other.data_), bytes_(other.bytes_) {
    other.data_ = nullptr;
    other.bytes_ = 0;
  }
  MappedBlock& operator=(MappedBlock&& other) noexcept;
  MappedBlock(const MappedBlock&) = delete;
  MappedBlock& operator=(const MappedBlock&) = delete;
  void* data() const { return data_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace nchip::compiler
