// ETU record files: the per-synapse input stream of the eligibility-trace unit, as a training
// run of the functional model saw it, so `nchip cosim --stimulus recorded FILE` can replay it
// through the RTL. Format (little-endian; documented in rtl/README.md):
//
//   header, 64 bytes
//     0  char[8] magic "NCHIPETU"      8  u32 version (1)      12 u32 record size (64)
//     16 u64 record count              24 u8 rounding (arith::Rounding of QuantConfig::rounding)
//     25 10 x {u8 width, u8 frac, u8 signed}: QuantConfig formats in arith::Quantity order
//     55..63 zero
//   records, 64 bytes each: raw fixed-point values in the header's formats
//     0 i32 h   4 i32 rho   8 i32 beta   12 i32 kappa   16 i32 L   20 i32 zbar
//     24 i32 eps_a   28 i32 filtered   32 i32 accumulator   36 u32 key.stream   40 u32 key.index
//     44 u8 adaptive (0/1)   45..47 zero   48 u64 key.seed   56 u64 key.step
//
// The writer fills a temporary file and renames it on close(), so a crashed run never leaves a
// file that looks complete; the reader checks magic, version, sizes, count and every value's
// range and reports the first problem as an InputError naming the file (and record).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "hw_model/arith/eligibility.hpp"
#include "hw_model/arith/quant_config.hpp"

namespace nchip::rtl {

// One update's inputs: what etu_update<FixedOps> reads, as raw integers.
struct EtuRecord {
  int32_t h = 0, rho = 0, beta = 0, kappa = 0, L = 0;
  bool adaptive = false;
  int32_t zbar = 0;
  int32_t eps_a = 0, filtered = 0, accumulator = 0;
  arith::DrawKey key{};

  static EtuRecord from(const arith::EtuNeuronInput<arith::FixedOps>& neuron,
                        arith::Fx<arith::Quantity::trace> zbar,
                        const arith::EtuSynapseState<arith::FixedOps>& state,
                        const arith::DrawKey& key);
  arith::EtuNeuronInput<arith::FixedOps> neuron() const;
  arith::EtuSynapseState<arith::FixedOps> state() const;
};

inline constexpr char kEtuRecordMagic[8] = {'N', 'C', 'H', 'I', 'P', 'E', 'T', 'U'};
inline constexpr uint32_t kEtuRecordVersion = 1;
inline constexpr size_t kEtuRecordHeaderBytes = 64;
// The header carries the formats of the quantities up to update_accumulator (the ETU's); the batch
// optimizer's (adam_m, adam_v) are not the ETU's and keep their defaults.
inline constexpr size_t kEtuRecordQuantities = arith::index_of(arith::Quantity::update_accumulator) + 1;
inline constexpr size_t kEtuRecordBytes = 64;

// Usage (trainer): EtuRecordWriter w(path, quant); before each etu_update call
// w.write(neuron, zbar, state, key); at the end w.close().
class EtuRecordWriter {
 public:
  EtuRecordWriter(const std::string& path, const arith::QuantConfig& quant);
  ~EtuRecordWriter();  // without close(): removes the temporary file, leaves `path` untouched
  EtuRecordWriter(const EtuRecordWriter&) = delete;
  EtuRecordWriter& operator=(const EtuRecordWriter&) = delete;

  void write(const EtuRecord& record);
  void write(const arith::EtuNeuronInput<arith::FixedOps>& neuron,
             arith::Fx<arith::Quantity::trace> zbar,
             const arith::EtuSynapseState<arith::FixedOps>& state, const arith::DrawKey& key) {
    write(EtuRecord::from(neuron, zbar, state, key));
  }
  void close();  // patches the count and renames the file into place
  uint64_t count() const { return count_; }

 private:
  std::string path_, temp_path_;
  std::FILE* file_ = nullptr;
  uint64_t count_ = 0;
};

// Closes the file when a constructor throws before handing it to its owner.
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using OwnedFile = std::unique_ptr<std::FILE, FileCloser>;

class EtuRecordReader {
 public:
  explicit EtuRecordReader(const std::string& path);
  ~EtuRecordReader();
  EtuRecordReader(const EtuRecordReader&) = delete;
  EtuRecordReader& operator=(const EtuRecordReader&) = delete;

  const arith::QuantConfig& quant() const { return quant_; }  // formats and rounding of the run
  uint64_t count() const { return count_; }
  bool next(EtuRecord& record);  // false at the end

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  arith::QuantConfig quant_;
  uint64_t count_ = 0, read_ = 0;
};

// Empty when every field of `r` lies in its format's range, else "field = value out of range for
// format" (shared by the reader and the stimulus checks).
std::string record_range_problem(const EtuRecord& r, const arith::QuantConfig& quant);

}  // namespace nchip::rtl
