#include "compiler/nir/hdf5_guard.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/core.h>
#include <new>
#include <stdexcept>
#include <string>

#include "hw_model/error.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NCHIP_HDF5_GUARD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define NCHIP_HDF5_GUARD_ASAN 1
#endif

namespace nchip::hdf5 {

namespace {

// The child's exit codes (a signal or any other code means it did not come back cleanly).
constexpr int kParsed = 0, kRefused = 2, kOutOfMemory = 3, kOtherException = 4;

constexpr size_t kMaxMessageBytes = 4096;
constexpr int kWatchIntervalMs = 20;

uint64_t page_bytes() { return static_cast<uint64_t>(sysconf(_SC_PAGESIZE)); }

// Field `index` (0: virtual size, 1: resident) of /proc/PID/statm, in bytes; 0 if unreadable.
uint64_t statm_bytes(const std::string& pid, int index) {
  FILE* f = std::fopen(fmt::format("/proc/{}/statm", pid).c_str(), "r");
  if (!f) return 0;
  unsigned long long fields[2] = {0, 0};
  const int got = std::fscanf(f, "%llu %llu", &fields[0], &fields[1]);
  std::fclose(f);
  return got == 2 ? fields[index] * page_bytes() : 0;
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void run_child(int report_fd, const std::function<void()>& parse, const GuardLimits& limits) {
  // A crash must end the child by its signal (not by a handler inherited from the parent, such
  // as a sanitizer's or libFuzzer's, which would report the crash as the parent's own), without
  // a core file.
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGXCPU, SIGXFSZ}) std::signal(sig, SIG_DFL);
  // The child speaks only through report_fd: what libhdf5 or a sanitizer would print about a
  // damaged file (an ASan build reports libhdf5's own overreads) stays out of the user's one-line
  // error. scripts/fuzz.sh keeps it (NCHIP_HDF5_GUARD_STDERR=1), so a fault of nchip's own code in
  // the child still shows in the fuzz logs, where libhdf5's are suppressed.
  if (std::getenv("NCHIP_HDF5_GUARD_STDERR") == nullptr) {
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) {
      ::dup2(null_fd, STDERR_FILENO);
      ::close(null_fd);
    }
  }
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  const auto cpu = static_cast<rlim_t>(std::ceil(limits.cpu_seconds));
  const rlimit cpu_limit{cpu, cpu + 1};  // SIGXCPU at the soft limit, SIGKILL a second later
  setrlimit(RLIMIT_CPU, &cpu_limit);
#ifndef NCHIP_HDF5_GUARD_ASAN
  // What the process has mapped already plus the budget: libhdf5's impossible allocations then
  // get NULL, which it reports as a clean failure.
  const rlimit address_space{statm_bytes("self", 0) + limits.memory_bytes,
                             statm_bytes("self", 0) + limits.memory_bytes};
  setrlimit(RLIMIT_AS, &address_space);
#endif
  int code = kParsed;
  try {
    parse();
  } catch (const InputError& e) {
    write_all(report_fd, std::string(e.what()).substr(0, kMaxMessageBytes));
    code = kRefused;
  } catch (const std::bad_alloc&) {
    code = kOutOfMemory;
  } catch (...) {
    code = kOtherException;
  }
  ::_exit(code);  // no atexit handlers, no stdio flush of the parent's buffers, no leak check
}

}  // namespace

GuardLimits guard_limits_for(const FileImage& image) {
  const double megabytes = static_cast<double>(image.bytes.size()) / (1 << 20);
  // 3 s of CPU plus 1 s per MB (the child only reads datasets: bench/README.md, "HDF5 guard");
  // 1 GB plus 32 times the file (compressed datasets expand; integers are read as int64).
  return {3.0 + megabytes, (uint64_t{1} << 30) + 32 * static_cast<uint64_t>(image.bytes.size())};
}

void check_parse_in_child(const FileImage& image, const std::function<void()>& parse) {
  check_parse_in_child(image, parse, guard_limits_for(image));
}

void check_parse_in_child(const FileImage& image, const std::function<void()>& parse, const GuardLimits& limits) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("cannot create a pipe for the HDF5 check: {}", std::strerror(errno)));
  std::fflush(nullptr);  // nothing buffered twice
  // The child starts with the parent's pages resident (shared until written): the budget is on top.
  const uint64_t resident_limit = statm_bytes("self", 1) + limits.memory_bytes;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(fmt::format("cannot start the HDF5 check process: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], parse, limits);
  }
  ::close(fds[1]);

  // Collect the child's message; watch its resident memory and its wall time (CPU time is the
  // kernel's job, RLIMIT_CPU; the wall limit catches a child that sleeps).
  const std::string pid_text = std::to_string(pid);
  const auto start = std::chrono::steady_clock::now();
  const double wall_limit_s = 2 * limits.cpu_seconds + 5;
  std::string message;
  bool over_memory = false, over_time = false;
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, kWatchIntervalMs);
    if (ready > 0) {
      char buffer[1024];
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n > 0) {
        if (message.size() < kMaxMessageBytes) message.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n == 0 || errno != EINTR) break;  // end of file: the child has exited
      continue;
    }
    if (ready < 0 && errno != EINTR) break;
    if (statm_bytes(pid_text, 1) > resident_limit) over_memory = true;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > wall_limit_s)
      over_time = true;
    if (over_memory || over_time) {
      ::kill(pid, SIGKILL);
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  const double cpu_used_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                            1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);

  const std::string damaged = image.path + ": damaged HDF5 file: libhdf5 ";
  const std::string memory = fmt::format("needed more than {} MB reading it", limits.memory_bytes >> 20);
  const std::string hung = fmt::format("hung reading it (more than {:g} s)", std::ceil(limits.cpu_seconds));
  if (over_memory) throw InputError(damaged + memory);
  if (over_time) throw InputError(damaged + hung);
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU || (sig == SIGKILL && cpu_used_s >= limits.cpu_seconds)) throw InputError(damaged + hung);
    throw InputError(damaged + fmt::format("crashed reading it (signal {}, {})", sig, strsignal(sig)));
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kParsed || code == kOtherException) return;
  if (code == kOutOfMemory) throw InputError(damaged + memory);
  if (code == kRefused && !message.empty()) throw InputError(message);
  throw InputError(damaged + fmt::format("crashed reading it (exit code {})", code));
}

}  // namespace nchip::hdf5
