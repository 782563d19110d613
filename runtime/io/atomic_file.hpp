// Output files are written whole or not at all: content goes to a temporary file beside the
// target, which is renamed over it only after a successful write.
#pragma once

#include <string>

namespace nchip::runtime {

// Throws nchip::InputError("PATH: cannot write: reason") when the file can't be written.
void write_file_atomically(const std::string& path, const std::string& content);

// Throws nchip::InputError("PATH: cannot read: reason").
std::string read_text_file(const std::string& path);

}  // namespace nchip::runtime
