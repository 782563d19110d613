// Output files are written whole or not at all: content goes to a temporary file beside the
// target, which is renamed over it only after a successful write.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace nchip::runtime {

// Throws nchip::InputError("PATH: cannot write: reason") when the file can't be written.
void write_file_atomically(const std::string& path, const std::string& content);
// The same for content streamed by `write` (e.g. a chip image of gigabytes, never held whole): a
// throw from `write` or a failed stream removes the temporary file and leaves `path` untouched.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream& out)>& write);

// write_file_atomically that also survives a power cut: the temporary file is fsync'ed before the
// rename and the folder after it (checkpoints: the old file or the new one, never neither).
void write_file_durably(const std::string& path, const std::string& content);

// Throws nchip::InputError("PATH: cannot read: reason").
std::string read_text_file(const std::string& path);

}  // namespace nchip::runtime
