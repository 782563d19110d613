#include "rtl/cosim/etu_record.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "hw_model/error.hpp"

namespace nchip::rtl {

using arith::Quantity;

namespace {

// Explicit little-endian byte order, so files move between machines unchanged.
template <class T>
void put(uint8_t* p, T value) {
  const auto u = static_cast<uint64_t>(value);
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(u >> (8 * i));
}
template <class T>
T get(const uint8_t* p) {
  uint64_t u = 0;
  for (size_t i = 0; i < sizeof(T); ++i) u |= uint64_t{p[i]} << (8 * i);
  return static_cast<T>(u);
}

std::array<uint8_t, kEtuRecordBytes> encode(const EtuRecord& r) {
  std::array<uint8_t, kEtuRecordBytes> b{};
  put<int32_t>(&b[0], r.h);
  put<int32_t>(&b[4], r.rho);
  put<int32_t>(&b[8], r.beta);
  put<int32_t>(&b[12], r.kappa);
  put<int32_t>(&b[16], r.L);
  put<int32_t>(&b[20], r.zbar);
  put<int32_t>(&b[24], r.eps_a);
  put<int32_t>(&b[28], r.filtered);
  put<int32_t>(&b[32], r.accumulator);
  put<uint32_t>(&b[36], r.key.stream);
  put<uint32_t>(&b[40], r.key.index);
  b[44] = r.adaptive ? 1 : 0;
  put<uint64_t>(&b[48], r.key.seed);
  put<uint64_t>(&b[56], r.key.step);
  return b;
}

EtuRecord decode(const uint8_t* b) {
  EtuRecord r;
  r.h = get<int32_t>(&b[0]);
  r.rho = get<int32_t>(&b[4]);
  r.beta = get<int32_t>(&b[8]);
  r.kappa = get<int32_t>(&b[12]);
  r.L = get<int32_t>(&b[16]);
  r.zbar = get<int32_t>(&b[20]);
  r.eps_a = get<int32_t>(&b[24]);
  r.filtered = get<int32_t>(&b[28]);
  r.accumulator = get<int32_t>(&b[32]);
  r.key.stream = get<uint32_t>(&b[36]);
  r.key.index = get<uint32_t>(&b[40]);
  r.adaptive = b[44] != 0;
  r.key.seed = get<uint64_t>(&b[48]);
  r.key.step = get<uint64_t>(&b[56]);
  return r;
}

std::array<uint8_t, kEtuRecordHeaderBytes> encode_header(const arith::QuantConfig& q,
                                                         uint64_t count) {
  std::array<uint8_t, kEtuRecordHeaderBytes> h{};
  std::memcpy(&h[0], kEtuRecordMagic, sizeof kEtuRecordMagic);
  put<uint32_t>(&h[8], kEtuRecordVersion);
  put<uint32_t>(&h[12], static_cast<uint32_t>(kEtuRecordBytes));
  put<uint64_t>(&h[16], count);
  h[24] = static_cast<uint8_t>(q.rounding);
  for (size_t i = 0; i < kEtuRecordQuantities; ++i) {
    const arith::Format& f = q.formats[i];
    h[25 + 3 * i] = static_cast<uint8_t>(f.width);
    h[26 + 3 * i] = static_cast<uint8_t>(f.frac);
    h[27 + 3 * i] = f.is_signed ? 1 : 0;
  }
  return h;
}

std::string system_error() { return std::strerror(errno); }

}  // namespace

EtuRecord EtuRecord::from(const arith::EtuNeuronInput<arith::FixedOps>& n,
                          arith::Fx<Quantity::trace> zbar,
                          const arith::EtuSynapseState<arith::FixedOps>& s,
                          const arith::DrawKey& key) {
  EtuRecord r;
  r.h = n.h.raw;
  r.rho = n.rho.raw;
  r.beta = n.beta.raw;
  r.kappa = n.kappa.raw;
  r.L = n.L.raw;
  r.adaptive = n.adaptive;
  r.zbar = zbar.raw;
  r.eps_a = s.eps_a.raw;
  r.filtered = s.filtered.raw;
  r.accumulator = s.accumulator.raw;
  r.key = key;
  return r;
}

arith::EtuNeuronInput<arith::FixedOps> EtuRecord::neuron() const {
  arith::EtuNeuronInput<arith::FixedOps> n;
  n.h.raw = h;
  n.rho.raw = rho;
  n.beta.raw = beta;
  n.kappa.raw = kappa;
  n.L.raw = L;
  n.adaptive = adaptive;
  return n;
}

arith::EtuSynapseState<arith::FixedOps> EtuRecord::state() const {
  arith::EtuSynapseState<arith::FixedOps> s;
  s.eps_a.raw = eps_a;
  s.filtered.raw = filtered;
  s.accumulator.raw = accumulator;
  return s;
}

std::string record_range_problem(const EtuRecord& r, const arith::QuantConfig& q) {
  const struct {
    const char* name;
    int32_t value;
    Quantity quantity;
  } fields[] = {
      {"h", r.h, Quantity::pseudo_derivative}, {"rho", r.rho, Quantity::decay},
      {"beta", r.beta, Quantity::voltage},     {"kappa", r.kappa, Quantity::decay},
      {"L", r.L, Quantity::learning_signal},   {"zbar", r.zbar, Quantity::trace},
      {"eps_a", r.eps_a, Quantity::eligibility}, {"filtered", r.filtered, Quantity::eligibility},
      {"accumulator", r.accumulator, Quantity::update_accumulator},
  };
  for (const auto& f : fields) {
    const arith::Format& format = q[f.quantity];
    if (f.value < format.min_raw() || f.value > format.max_raw())
      return std::string(f.name) + " = " + std::to_string(f.value) + " is out of range for " +
             arith::to_string(f.quantity) + " (" + format.describe() + ")";
  }
  return {};
}

// ---- writer -------------------------------------------------------------------------------
EtuRecordWriter::EtuRecordWriter(const std::string& path, const arith::QuantConfig& quant)
    : path_(path), temp_path_(path + ".tmp") {
  OwnedFile owned(std::fopen(temp_path_.c_str(), "wb"));
  if (!owned) throw InputError(temp_path_ + ": cannot create ETU record file: " + system_error());
  const auto header = encode_header(quant, 0);
  if (std::fwrite(header.data(), header.size(), 1, owned.get()) != 1) {
    const std::string why = system_error();
    owned.reset();
    std::remove(temp_path_.c_str());
    throw InputError(temp_path_ + ": write failed: " + why);
  }
  file_ = owned.release();
}

EtuRecordWriter::~EtuRecordWriter() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_path_.c_str());
  }
}

void EtuRecordWriter::write(const EtuRecord& record) {
  if (!file_) throw std::logic_error("EtuRecordWriter::write after close");
  const auto bytes = encode(record);
  if (std::fwrite(bytes.data(), bytes.size(), 1, file_) != 1)
    throw InputError(temp_path_ + ": write failed: " + system_error());
  ++count_;
}

void EtuRecordWriter::close() {
  if (!file_) return;
  uint8_t count[8];
  put<uint64_t>(count, count_);
  const bool ok = std::fseek(file_, 16, SEEK_SET) == 0 && std::fwrite(count, 8, 1, file_) == 1;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) {
    std::remove(temp_path_.c_str());
    throw InputError(temp_path_ + ": write failed: " + system_error());
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    std::remove(temp_path_.c_str());
    throw InputError(path_ + ": cannot move the record file into place: " + system_error());
  }
}

// ---- reader -------------------------------------------------------------------------------
EtuRecordReader::EtuRecordReader(const std::string& path) : path_(path) {
  // Owned here until every check has passed: a rejected file is closed by the throw (RAII), not
  // leaked (issue #15 row 13: one descriptor per rejected file).
  OwnedFile owned(std::fopen(path.c_str(), "rb"));
  std::FILE* const file = owned.get();
  if (!file) throw InputError(path + ": cannot open ETU record file: " + system_error());
  std::array<uint8_t, kEtuRecordHeaderBytes> h{};
  if (std::fread(h.data(), h.size(), 1, file) != 1)
    throw InputError(path + ": not an ETU record file (shorter than its 64-byte header)");
  if (std::memcmp(&h[0], kEtuRecordMagic, sizeof kEtuRecordMagic) != 0)
    throw InputError(path + ": not an ETU record file (magic is not NCHIPETU)");
  const auto version = get<uint32_t>(&h[8]);
  if (version != kEtuRecordVersion)
    throw InputError(path + ": ETU record version " + std::to_string(version) +
                     " is not supported (expected " + std::to_string(kEtuRecordVersion) + ")");
  if (get<uint32_t>(&h[12]) != kEtuRecordBytes)
    throw InputError(path + ": record size " + std::to_string(get<uint32_t>(&h[12])) +
                     " is not " + std::to_string(kEtuRecordBytes));
  count_ = get<uint64_t>(&h[16]);
  if (h[24] > static_cast<uint8_t>(arith::Rounding::stochastic))
    throw InputError(path + ": unknown rounding code " + std::to_string(h[24]));
  quant_.rounding = static_cast<arith::Rounding>(h[24]);
  for (size_t i = 0; i < kEtuRecordQuantities; ++i) {
    quant_.formats[i].width = h[25 + 3 * i];
    quant_.formats[i].frac = h[26 + 3 * i];
    quant_.formats[i].is_signed = h[27 + 3 * i] != 0;
  }
  const std::string problem = quant_.problem();
  if (!problem.empty()) throw InputError(path + ": header: " + problem);

  // The count must match the file's size: a truncated copy is an error, not a shorter stream.
  if (std::fseek(file, 0, SEEK_END) != 0) throw InputError(path + ": cannot seek: " + system_error());
  const long size = std::ftell(file);
  std::fseek(file, static_cast<long>(kEtuRecordHeaderBytes), SEEK_SET);
  const uint64_t payload = static_cast<uint64_t>(size) - kEtuRecordHeaderBytes;
  if (payload % kEtuRecordBytes != 0 || payload / kEtuRecordBytes != count_)
    throw InputError(path + ": header says " + std::to_string(count_) + " records but the file " +
                     "holds " + std::to_string(payload / kEtuRecordBytes) +
                     (payload % kEtuRecordBytes ? " and a partial one" : "") + " (truncated?)");
  file_ = owned.release();
}

EtuRecordReader::~EtuRecordReader() {
  if (file_) std::fclose(file_);
}

bool EtuRecordReader::next(EtuRecord& record) {
  if (read_ >= count_) return false;
  uint8_t bytes[kEtuRecordBytes];
  if (std::fread(bytes, sizeof bytes, 1, file_) != 1)
    throw InputError(path_ + ": read failed at record " + std::to_string(read_));
  record = decode(bytes);
  const std::string problem = record_range_problem(record, quant_);
  if (!problem.empty())
    throw InputError(path_ + ": record " + std::to_string(read_) + ": " + problem);
  ++read_;
  return true;
}

}  // namespace nchip::rtl
