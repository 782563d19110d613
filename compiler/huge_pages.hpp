// Large arrays the compiler writes at random across their whole length (the incoming-synapse
// index) are asked to sit on 2 MB pages: at 10^8 synapses each scattered access otherwise misses the
// TLB too (4 kB pages: a page walk per access), which made compile time per synapse grow 3-4x from
// 10^7 to 10^8 synapses (bench/README.md, "Compiler"). The synapse matrices no longer are: their
// transpose writes one block at a time (lower.cpp), and a first touch of an advised page costs far
// more than of a plain one here (page_memory.hpp).
// A hint only (madvise MADV_HUGEPAGE where Linux allows it; nothing elsewhere): no value changes.
#pragma once

#include <cstddef>
#include <vector>

namespace nchip::compiler {

// Asks for transparent huge pages on the 2 MB-aligned part of [data, data + bytes).
void advise_huge_pages(const void* data, size_t bytes);

// v.assign(n, value) on memory advised before its first touch (the advice applies to pages not yet
// faulted in, so reserve, advise, then fill). `v` must be empty.
template <class T>
void assign_on_huge_pages(std::vector<T>& v, size_t n, const T& value = T{}) {
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(T));
  v.assign(n, value);
}

}  // namespace nchip::compiler
