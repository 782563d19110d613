// Output files are written whole or not at all: content goes to a temporary file beside the
// target, which is renamed over it only after a successful write.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace nchip::runtime {

// A file written piece by piece, whole or not at all: the pieces go to PATH.tmp.PID, which commit()
// renames over PATH; destroyed without commit() (an error, an exception), the temporary file is
// removed and PATH is left as it was. Every failure: InputError("PATH: cannot write: reason").
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);  // creates the temporary file now
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view text);
  void write(std::FILE* from, uint64_t offset, uint64_t bytes);  // a byte range of another file
  void commit();
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const std::string& reason);
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
};

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
