// Little-endian encoding of the image's fields, independent of the host's byte order. The reader
// checks every length against what is left, so a damaged file becomes an InputError, never an
// out-of-bounds read.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "hw_model/error.hpp"

namespace nchip::image {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
  }
  void str(const std::string& s) {
    u64(s.size());
    out_ += s;
  }
  template <class T, class Put>
  void vec(const std::vector<T>& values, Put put) {
    u64(values.size());
    for (const T& v : values) put(*this, v);
  }
  std::string& bytes() { return out_; }

 private:
  void le(uint64_t v, int n) {
    char b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_.append(b, static_cast<size_t>(n));
  }
  std::string out_;
};

class ByteReader {
 public:
  ByteReader(const char* data, size_t size, std::string where)
      : p_(reinterpret_cast<const unsigned char*>(data)), left_(size), where_(std::move(where)) {}

  uint8_t u8() { return static_cast<uint8_t>(le(1)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  double f64() {
    const uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  std::string str() {
    const uint64_t n = count(1);
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    left_ -= n;
    return s;
  }
  // Element count of a vector whose elements take at least min_bytes each: bounded by what is
  // left, so a corrupt count cannot make us allocate terabytes.
  uint64_t count(uint64_t min_bytes) {
    const uint64_t n = u64();
    if (min_bytes > 0 && n > left_ / min_bytes) fail("length field exceeds the section");
    return n;
  }
  template <class T, class Get>
  std::vector<T> vec(uint64_t min_bytes, Get get) {
    const uint64_t n = count(min_bytes);
    std::vector<T> out;
    out.reserve(n);
    for (uint64_t i = 0; i < n; ++i) out.push_back(get(*this));
    return out;
  }
  void skip(uint64_t n) {
    if (n > left_) fail("section ends early");
    p_ += n;
    left_ -= n;
  }
  size_t left() const { return left_; }
  [[noreturn]] void fail(const std::string& what) const { throw InputError(where_ + ": " + what); }

 private:
  uint64_t le(int n) {
    if (left_ < static_cast<size_t>(n)) fail("section ends early");
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{p_[i]} << (8 * i);
    p_ += n;
    left_ -= static_cast<size_t>(n);
    return v;
  }
  const unsigned char* p_;
  size_t left_;
  std::string where_;
};

}  // namespace nchip::image
