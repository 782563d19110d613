// Large arrays the compiler writes or reads at random (the synapse matrices while they are sorted
// into rows, the incoming-synapse index) are asked to sit on 2 MB pages: at 10^8 synapses each
// scattered access otherwise misses the TLB too (4 kB pages: a page walk per access), which made
// compile time per synapse grow 3-4x from 10^7 to 10^8 synapses (bench/README.md, "Compiler").
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
