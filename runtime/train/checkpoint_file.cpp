#include "runtime/train/checkpoint_file.hpp"

#include <fmt/core.h>

#include <cstring>

#include "hw_model/error.hpp"
#include "hw_model/image/checksum.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

namespace {

constexpr char kMagic[8] = {'N', 'C', 'H', 'I', 'P', 'C', 'K', 'P'};
constexpr size_t kHeaderBytes = 8 + 4 + 8;  // magic, format version, payload size
constexpr size_t kRecordWords = 14;         // IterationRecord's fields

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
    out_.append(bytes, 4);
  }
  void u64(uint64_t v) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
    out_.append(bytes, 8);
  }
  void reserve(size_t n) { out_.reserve(n); }
  void words(const std::vector<uint64_t>& w) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    out_.append(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(uint64_t));  // already little-endian
#else
    for (uint64_t x : w) u64(x);
#endif
  }
  void text(const std::string& s) {
    u64(s.size());
    out_ += s;
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(const std::string& bytes, size_t begin, size_t end, const std::string& path)
      : bytes_(bytes), at_(begin), end_(end), path_(path) {}
  uint8_t u8() {
    need(1);
    return static_cast<uint8_t>(bytes_[at_++]);
  }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{u8()} << (8 * i);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{u8()} << (8 * i);
    return v;
  }
  std::string text() {
    const uint64_t n = count(1);
    std::string s = bytes_.substr(at_, n);
    at_ += n;
    return s;
  }
  // A count of items of `item_bytes` each that must fit in what is left (a corrupt count never
  // allocates more than the file holds).
  uint64_t count(uint64_t item_bytes) {
    const uint64_t n = u64();
    if (n > (end_ - at_) / item_bytes) fail("a count runs past the end of the data");
    return n;
  }
  bool done() const { return at_ == end_; }
  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_ + ": not a valid checkpoint: " + what); }

 private:
  void need(size_t n) const {
    if (end_ - at_ < n) fail("the data ends early");
  }
  const std::string& bytes_;
  size_t at_, end_;
  const std::string& path_;
};

uint64_t checksum(const std::string& bytes, size_t begin, size_t size) {
  image::Fnv1a64 h;
  h.add(bytes.data() + begin, size);
  return h.value();
}

std::vector<uint64_t> record_words(const IterationRecord& r) {
  using learning::to_state_word;
  return {r.iteration,
          to_state_word(r.loss),
          to_state_word(r.metric),
          to_state_word(r.train_recall_error),
          to_state_word(r.mean_rate_hz),
          to_state_word(r.lr),
          to_state_word(r.seconds),
          to_state_word(r.neuron_s),
          to_state_word(r.learning_signal_s),
          to_state_word(r.eligibility_s),
          to_state_word(r.update_s),
          to_state_word(r.validation_s),
          r.weight_update_saturations,
          r.online_updates};
}

IterationRecord record_of(const uint64_t* w) {
  using learning::from_state_word;
  IterationRecord r;
  r.iteration = static_cast<uint32_t>(w[0]);
  r.loss = from_state_word<double>(w[1]);
  r.metric = from_state_word<double>(w[2]);
  r.train_recall_error = from_state_word<double>(w[3]);
  r.mean_rate_hz = from_state_word<double>(w[4]);
  r.lr = from_state_word<double>(w[5]);
  r.seconds = from_state_word<double>(w[6]);
  r.neuron_s = from_state_word<double>(w[7]);
  r.learning_signal_s = from_state_word<double>(w[8]);
  r.eligibility_s = from_state_word<double>(w[9]);
  r.update_s = from_state_word<double>(w[10]);
  r.validation_s = from_state_word<double>(w[11]);
  r.weight_update_saturations = w[12];
  r.online_updates = w[13];
  return r;
}

}  // namespace

std::string checkpoint_bytes(const Checkpoint& c) {
  size_t words = 0;
  for (const auto& v : c.state.vectors) words += v.words.size() + 4;
  // One string: the header (payload size patched in at the end), the payload, the checksum.
  Writer payload;
  payload.reserve(kHeaderBytes + 8 * (words + kRecordWords * c.state.curve.size()) + 4096);
  payload.bytes().append(kMagic, sizeof kMagic);
  payload.u32(kCheckpointFormatVersion);
  payload.u64(0);
  payload.text(c.nchip_version);
  payload.u64(c.args.size());
  for (const auto& a : c.args) payload.text(a);
  payload.text(c.working_dir);
  payload.u64(c.inputs_hash);
  payload.u8(c.finished ? 1 : 0);
  const TrainingState& s = c.state;
  payload.u32(s.iterations_done);
  payload.u64(s.curve.size());
  for (const auto& r : s.curve)
    for (uint64_t w : record_words(r)) payload.u64(w);
  payload.u64(s.saturations.count.size());
  for (uint64_t n : s.saturations.count) payload.u64(n);
  payload.u64(s.weight_update_saturations);
  payload.u64(s.vectors.size());
  for (const auto& v : s.vectors) {
    payload.text(v.name);
    payload.u64(v.words.size());
    payload.words(v.words);
  }
  std::string& bytes = payload.bytes();
  const uint64_t size = bytes.size() - kHeaderBytes;
  for (int i = 0; i < 8; ++i) bytes[kHeaderBytes - 8 + i] = static_cast<char>(size >> (8 * i));
  payload.u64(checksum(bytes, kHeaderBytes, size));
  return std::move(bytes);
}

Checkpoint parse_checkpoint(const std::string& bytes, const std::string& path) {
  Reader header(bytes, 0, bytes.size(), path);
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    header.fail("no NCHIPCKP magic");
  Reader fields(bytes, sizeof kMagic, kHeaderBytes, path);
  const uint32_t version = fields.u32();
  if (version != kCheckpointFormatVersion)
    throw InputError(fmt::format("{}: checkpoint format version {}, this nchip reads version {}", path, version,
                                 kCheckpointFormatVersion));
  const uint64_t size = fields.u64();
  if (size > bytes.size() - kHeaderBytes || bytes.size() - kHeaderBytes - size != 8)
    throw InputError(fmt::format("{}: truncated checkpoint ({} bytes; its header announces {} bytes of state)", path,
                                 bytes.size(), size));
  Reader tail(bytes, kHeaderBytes + size, bytes.size(), path);
  if (tail.u64() != checksum(bytes, kHeaderBytes, size))
    throw InputError(path + ": corrupt checkpoint (checksum mismatch)");

  Reader in(bytes, kHeaderBytes, kHeaderBytes + size, path);
  Checkpoint c;
  c.nchip_version = in.text();
  for (uint64_t n = in.count(8); n > 0; --n) c.args.push_back(in.text());
  c.working_dir = in.text();
  c.inputs_hash = in.u64();
  c.finished = in.u8() != 0;
  TrainingState& s = c.state;
  s.iterations_done = in.u32();
  const uint64_t rows = in.count(8 * kRecordWords);
  for (uint64_t i = 0; i < rows; ++i) {
    uint64_t w[kRecordWords];
    for (auto& x : w) x = in.u64();
    s.curve.push_back(record_of(w));
  }
  if (in.count(8) != s.saturations.count.size()) in.fail("another number of saturation counters");
  for (auto& n : s.saturations.count) n = in.u64();
  s.weight_update_saturations = in.u64();
  for (uint64_t n = in.count(16); n > 0; --n) {
    learning::StateVector v;
    v.name = in.text();
    v.words.resize(in.count(8));
    for (auto& w : v.words) w = in.u64();
    s.vectors.push_back(std::move(v));
  }
  if (!in.done()) in.fail("bytes after the last state vector");
  return c;
}

void write_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  write_file_durably(path, checkpoint_bytes(checkpoint));
}

Checkpoint read_checkpoint(const std::string& path) { return parse_checkpoint(read_text_file(path), path); }

}  // namespace nchip::runtime
