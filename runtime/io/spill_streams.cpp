#include "runtime/io/spill_streams.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "hw_model/error.hpp"

namespace nchip::runtime {

namespace {
// Per stream: small enough that thousands of populations stay in a few tens of MB, large enough
// that the file sees few, long writes.
constexpr size_t kBufferBytes = 16 * 1024;
}  // namespace

SpillStreams::SpillStreams(const std::string& beside, size_t n_streams) : beside_(beside), streams_(n_streams) {
  const size_t slash = beside.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : beside.substr(0, slash);
  std::string name = folder + "/.nchip-spill.XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw InputError(beside + ": cannot write: " + std::strerror(errno));
  ::unlink(name.c_str());  // gone from the folder now; the space is freed when the file is closed
  file_ = ::fdopen(fd, "w+b");
  if (!file_) {
    ::close(fd);
    throw InputError(beside + ": cannot write: " + std::strerror(errno));
  }
}

SpillStreams::~SpillStreams() {
  if (file_) std::fclose(file_);
}

void SpillStreams::spill(Stream& s) {
  if (s.buffer.empty()) return;
  if (::fseeko(file_, static_cast<off_t>(file_size_), SEEK_SET) != 0 ||
      std::fwrite(s.buffer.data(), 1, s.buffer.size(), file_) != s.buffer.size())
    throw InputError(beside_ + ": cannot write: " + std::strerror(errno));
  s.chunks.push_back({file_size_, s.buffer.size()});
  file_size_ += s.buffer.size();
  s.buffer.clear();
}

void SpillStreams::append(size_t stream, std::string_view text) {
  Stream& s = streams_[stream];
  s.buffer.append(text);
  s.bytes += text.size();
  if (s.buffer.size() >= kBufferBytes) spill(s);
}

void SpillStreams::copy_to(size_t stream, AtomicFileWriter& out) {
  Stream& s = streams_[stream];
  if (!s.chunks.empty() && std::fflush(file_) != 0) throw InputError(beside_ + ": cannot write: " + std::strerror(errno));
  for (const auto& [offset, length] : s.chunks) out.write(file_, offset, length);
  out.write(s.buffer);
}

}  // namespace nchip::runtime
