// Pairs every input the RTL accepted with the reference's answer and compares the RTL's outputs,
// in order, field by field. Shared by the C++ and the SystemC testbenches.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "hw_model/arith/quant_config.hpp"
#include "rtl/cosim/etu_record.hpp"
#include "rtl/cosim/etu_result.hpp"

namespace nchip::rtl {

struct Mismatch {
  uint64_t update = 0;  // 0-based position in the stimulus stream
  uint64_t cycle = 0;   // clock cycle at which the unit presented the output
  uint32_t synapse = 0; // the record's synapse index (DrawKey index)
  std::string field;    // addr, e, eps_a, filtered, accumulator, sat_eligibility, sat_accumulator
  int64_t expected = 0, actual = 0;
  EtuRecord input;
  EtuResult expected_result, actual_result;
};

// Multi-line report: where, which field, both values (raw and real), the inputs.
std::string describe(const Mismatch& m, const arith::QuantConfig& quant);

class EtuChecker {
 public:
  explicit EtuChecker(const arith::QuantConfig& reference) : reference_(reference) {}

  // The unit accepted `record`: remember what it must answer.
  void expect(const EtuRecord& record);
  // The unit answered; empty when every field matches the oldest expected answer.
  std::optional<Mismatch> check(const EtuResult& actual, uint64_t cycle);

  uint64_t compared() const { return compared_; }
  size_t in_flight() const { return pending_.size(); }
  uint64_t saturations_eligibility() const { return sat_e_; }
  uint64_t saturations_accumulator() const { return sat_a_; }

 private:
  struct Pending {
    uint64_t update;
    EtuRecord record;
    EtuResult expected;
  };
  arith::QuantConfig reference_;
  std::deque<Pending> pending_;
  uint64_t accepted_ = 0, compared_ = 0, sat_e_ = 0, sat_a_ = 0;
};

}  // namespace nchip::rtl
