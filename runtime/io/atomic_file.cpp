#include "runtime/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <string_view>

#include "hw_model/error.hpp"

namespace nchip::runtime {

AtomicFileWriter::AtomicFileWriter(std::string path)
    : path_(std::move(path)), temp_(path_ + ".tmp." + std::to_string(::getpid())) {
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) throw InputError(path_ + ": cannot write: " + std::strerror(errno));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_.c_str());
  }
}

void AtomicFileWriter::fail(const std::string& reason) {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::remove(temp_.c_str());
  throw InputError(path_ + ": cannot write: " + reason);
}

void AtomicFileWriter::write(std::string_view text) {
  if (!file_) fail("already closed");
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) fail(std::strerror(errno));
}

void AtomicFileWriter::write(std::FILE* from, uint64_t offset, uint64_t bytes) {
  if (!file_) fail("already closed");
  if (bytes > 0 && ::fseeko(from, static_cast<off_t>(offset), SEEK_SET) != 0) fail(std::strerror(errno));
  char buffer[1 << 16];
  while (bytes > 0) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(bytes, sizeof buffer));
    if (std::fread(buffer, 1, n, from) != n) fail(std::ferror(from) ? std::strerror(errno) : "a temporary file ended early");
    write(std::string_view(buffer, n));
    bytes -= n;
  }
}

void AtomicFileWriter::commit() {
  if (!file_) fail("already closed");
  const bool flushed = std::fflush(file_) == 0;
  const std::string reason = flushed ? "" : std::strerror(errno);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) {
    std::remove(temp_.c_str());
    throw InputError(path_ + ": cannot write: " + (flushed ? std::strerror(errno) : reason));
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temp_.c_str());
    throw InputError(path_ + ": cannot write: " + why);
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFileWriter out(path);
  out.write(content);
  out.commit();
}

namespace {

// An std::ostream's buffer in front of an AtomicFileWriter: what the stream writes goes to the
// writer in 64 kB pieces. A write error is kept (the stream only sees a failed put) and reported
// with the file's name once the stream is done.
class AtomicFileStreambuf : public std::streambuf {
 public:
  explicit AtomicFileStreambuf(AtomicFileWriter& writer) : writer_(writer) { setp(buffer_, buffer_ + sizeof buffer_); }
  const std::string& error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    if (!error_.empty()) return false;
    try {
      writer_.write(std::string_view(pbase(), static_cast<size_t>(pptr() - pbase())));
    } catch (const InputError& e) {
      error_ = e.what();
      return false;
    }
    setp(buffer_, buffer_ + sizeof buffer_);
    return true;
  }
  AtomicFileWriter& writer_;
  std::string error_;
  char buffer_[1 << 16];
};

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::ostream& out)>& write) {
  AtomicFileWriter writer(path);  // destroyed without commit (a throw, a failed stream): no file
  AtomicFileStreambuf buffer(writer);
  std::ostream out(&buffer);
  write(out);
  out.flush();
  if (!buffer.error().empty()) throw InputError(buffer.error());
  if (!out) throw InputError(path + ": cannot write: the stream failed");
  writer.commit();
}

void write_file_durably(const std::string& path, const std::string& content) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  const auto fail = [&](const std::string& reason) {
    std::remove(temp.c_str());
    throw InputError(path + ": cannot write: " + reason);
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(path + ": cannot write: " + std::strerror(errno));
  for (size_t done = 0; done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      fail(reason);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) fail(std::strerror(errno));
  if (std::rename(temp.c_str(), path.c_str()) != 0) fail(std::strerror(errno));
  const size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {  // the rename itself on disk; a folder that cannot be opened has no such guarantee
    ::fsync(dir);
    ::close(dir);
  }
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path + ": cannot read: " + std::strerror(errno));
  return buffer.str();
}

}  // namespace nchip::runtime
