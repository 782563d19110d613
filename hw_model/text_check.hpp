// Names read from files (networks, populations, chips, projections) end up in one-line error
// messages and in JSON output. A control character (a newline) would split a message; bytes that
// are not UTF-8 make nlohmann::json's dump() throw. Readers refuse such names with
// text_problem(); messages that must quote raw bytes anyway use escaped_text().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nchip {

namespace detail {

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when it is not one.
inline size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 == 0xe0) n = 3, lo = 0xa0;
  else if (b0 >= 0xe1 && b0 <= 0xef) n = 3, hi = b0 == 0xed ? 0x9f : 0xbf;
  else if (b0 == 0xf0) n = 4, lo = 0x90;
  else if (b0 >= 0xf1 && b0 <= 0xf3) n = 4;
  else if (b0 == 0xf4) n = 4, hi = 0x8f;
  else return 0;
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  return n;
}

inline std::string hex_byte(unsigned char c) {
  static const char* const kHex = "0123456789abcdef";
  return std::string{'0', 'x', kHex[c >> 4], kHex[c & 15]};
}

}  // namespace detail

// Empty when `text` is valid UTF-8 without control characters (U+0000-U+001F, U+007F); else what
// is wrong and where, e.g. "contains control character 0x0a at byte 5".
inline std::string text_problem(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f)
      return "contains control character " + detail::hex_byte(c) + " at byte " + std::to_string(i);
    const size_t n = detail::utf8_sequence_length(text, i);
    if (n == 0) return "is not valid UTF-8 (byte " + detail::hex_byte(c) + " at byte " + std::to_string(i) + ")";
    i += n;
  }
  return {};
}

// `text` with control characters and bytes that are not UTF-8 shown as \xNN: one line, and safe to
// put into JSON.
inline std::string escaped_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = (c < 0x20 || c == 0x7f) ? 0 : detail::utf8_sequence_length(text, i);
    if (n == 0) {
      out += "\\x";
      out += detail::hex_byte(c).substr(2);
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace nchip
