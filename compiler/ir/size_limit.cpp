#include "compiler/ir/size_limit.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "hw_model/error.hpp"
#include "hw_model/text_check.hpp"

namespace nchip::ir {

namespace {

std::string gigabytes(double bytes) { return fmt::format("{:.1f} GB", bytes / 1e9); }

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return uint64_t{16} << 30;  // unknown: assume a small machine
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
}

}  // namespace

NetworkSize network_size(const Network& network) {
  NetworkSize size;
  for (const auto& p : network.populations) size.neurons += p.size;
  for (const auto& proj : network.projections) {
    const Population* pre = network.find(proj.source);
    const Population* post = network.find(proj.target);
    const uint64_t full = (pre && post) ? uint64_t{pre->size} * post->size : 0;  // < 2^64
    // A random init's expected count (<= full, so the conversion is in range).
    const uint64_t n = proj.random_init ? static_cast<uint64_t>(static_cast<double>(full) *
                                                               std::clamp(proj.random_init->connection_probability, 0.0, 1.0))
                       : proj.dense     ? full
                                        : proj.synapses.size();
    size.synapses = saturating_add(size.synapses, n);
  }
  return size;
}

uint64_t parse_memory_bytes(const std::string& text, const std::string& source) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  double scale = 1;
  switch (end != begin && *end ? *end : ' ') {
    case 'K': case 'k': scale = 1e3; break;
    case 'M': case 'm': scale = 1e6; break;
    case 'G': case 'g': scale = 1e9; break;
    case 'T': case 't': scale = 1e12; break;
    case ' ': break;
    default: scale = -1;
  }
  const double bytes = value * scale;
  if (end == begin || !(bytes > 0) || !(bytes < 1.8e19) || (*end && end[1] != '\0'))
    throw InputError(source + ": expected a number of bytes (e.g. 8G), got '" + escaped_text(text) + "'");
  return static_cast<uint64_t>(bytes);
}

namespace {
uint64_t g_limit_bytes = 0;  // 0: not set by set_memory_limit_bytes
std::string g_limit_source;
}  // namespace

void set_memory_limit_bytes(uint64_t bytes, const std::string& source) {
  g_limit_bytes = bytes;
  g_limit_source = source;
}

uint64_t memory_limit_bytes(std::string* why) {
  if (g_limit_bytes != 0) {
    if (why) *why = g_limit_source;
    return g_limit_bytes;
  }
  if (const char* text = std::getenv("NCHIP_MAX_MEMORY"); text && *text) {
    const uint64_t bytes = parse_memory_bytes(text, "NCHIP_MAX_MEMORY");
    if (why) *why = "NCHIP_MAX_MEMORY";
    return bytes;
  }
  if (why) *why = "half this machine's memory; set --max-memory or NCHIP_MAX_MEMORY to change it";
  return physical_memory_bytes() / 2;
}

void check_network_size(const Network& network, const std::string& source_name) {
  uint64_t per_role[3] = {0, 0, 0};  // input, spiking, readout: each indexed with 32 bits
  for (const auto& p : network.populations) {
    const int role = p.type == PopulationType::input ? 0 : p.type == PopulationType::readout ? 2 : 1;
    per_role[role] += p.size;
  }
  for (uint64_t n : per_role)
    if (n > std::numeric_limits<uint32_t>::max())
      throw InputError(fmt::format("{}: the network has {} neurons of one kind; the models index at most {}",
                                   escaped_text(source_name), n, std::numeric_limits<uint32_t>::max()));
  const NetworkSize size = network_size(network);
  check_memory(size.bytes(), fmt::format("{}: a network of {} synapses and {} neurons", escaped_text(source_name),
                                         size.synapses, size.neurons));
}

void check_memory(double bytes, const std::string& what) {
  std::string why;
  const uint64_t limit = memory_limit_bytes(&why);
  if (bytes > static_cast<double>(limit))
    throw InputError(fmt::format("{} needs about {}, more than the limit of {} ({})", what, gigabytes(bytes),
                                 gigabytes(static_cast<double>(limit)), why));
}

}  // namespace nchip::ir
