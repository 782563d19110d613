#include "compiler/page_memory.hpp"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace nchip::compiler {

const char* release_pages_between(const char* from, const char* to) {
#if defined(__linux__)
  static const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(from) + page - 1) & ~(page - 1);
  const auto end = reinterpret_cast<uintptr_t>(to) & ~(page - 1);
  if (end <= begin) return from;
  (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
  return from + (end - reinterpret_cast<uintptr_t>(from));
#else
  (void)to;
  return from;
#endif
}

void release_pages(const void* data, size_t bytes) {
  const char* begin = static_cast<const char*>(data);
  (void)release_pages_between(begin, begin + bytes);
}

MappedBlock::MappedBlock(size_t bytes) : bytes_(bytes) {
#if defined(__linux__)
  data_ = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    throw std::bad_alloc();
  }
#else
  data_ = ::operator new(bytes);
#endif
}

MappedBlock::~MappedBlock() {
  if (!data_) return;
#if defined(__linux__)
  ::munmap(data_, bytes_);
#else
  ::operator delete(data_);
#endif
}

MappedBlock& MappedBlock::operator=(MappedBlock&& other) noexcept {
  if (this != &other) {
    MappedBlock gone(std::move(*this));
    data_ = other.data_;
    bytes_ = other.bytes_;
    other.data_ = nullptr;
    other.bytes_ = 0;
  }
  return *this;
}

}  // namespace nchip::compiler
