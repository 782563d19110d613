// Error messages are one line (DESIGN.md: "one clear line saying what and where"), but they quote
// user text (a task name, a JSON key) that may hold control characters: show those as \xNN.
#pragma once

#include <string>

namespace nchip::runtime::detail {

inline std::string printable(const std::string& text) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace nchip::runtime::detail
