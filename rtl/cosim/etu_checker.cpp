#include "rtl/cosim/etu_checker.hpp"

#include <cmath>
#include <sstream>

#include "rtl/cosim/etu_reference.hpp"

namespace nchip::rtl {

using arith::Quantity;

void EtuChecker::expect(const EtuRecord& record) {
  pending_.push_back({accepted_++, record, reference_update(reference_, record)});
}

std::optional<Mismatch> EtuChecker::check(const EtuResult& actual, uint64_t cycle) {
  if (pending_.empty()) {
    Mismatch m;
    m.update = accepted_;
    m.cycle = cycle;
    m.field = "out_valid (an output with no input in flight)";
    m.expected = 0;
    m.actual = 1;
    m.actual_result = actual;
    return m;
  }
  const Pending p = pending_.front();
  pending_.pop_front();
  const EtuResult& x = p.expected;
  const struct {
    const char* name;
    int64_t expected, actual;
  } fields[] = {
      // In dataflow order, so the first field named is where the difference starts.
      {"addr", x.addr, actual.addr},
      {"e", x.e, actual.e},
      {"eps_a", x.eps_a, actual.eps_a},
      {"filtered", x.filtered, actual.filtered},
      {"accumulator", x.accumulator, actual.accumulator},
      {"sat_eligibility", x.sat_eligibility, actual.sat_eligibility},
      {"sat_accumulator", x.sat_accumulator, actual.sat_accumulator},
  };
  for (const auto& f : fields) {
    if (f.expected == f.actual) continue;
    Mismatch m;
    m.update = p.update;
    m.cycle = cycle;
    m.synapse = p.record.key.index;
    m.field = f.name;
    m.expected = f.expected;
    m.actual = f.actual;
    m.input = p.record;
    m.expected_result = x;
    m.actual_result = actual;
    return m;
  }
  ++compared_;
  sat_e_ += x.sat_eligibility;
  sat_a_ += x.sat_accumulator;
  return std::nullopt;
}

namespace {

std::string raw_and_real(int64_t raw, const arith::Format& f) {
  std::ostringstream s;
  s.precision(12);
  s << raw << " (" << std::ldexp(static_cast<double>(raw), -f.frac) << " in " << f.describe()
    << ")";
  return s.str();
}

const arith::Format* field_format(const std::string& field, const arith::QuantConfig& q) {
  if (field == "eps_a" || field == "filtered" || field == "e") return &q[Quantity::eligibility];
  if (field == "accumulator") return &q[Quantity::update_accumulator];
  return nullptr;
}

}  // namespace

std::string describe(const Mismatch& m, const arith::QuantConfig& q) {
  std::ostringstream s;
  s << "MISMATCH at update " << m.update << " (cycle " << m.cycle << ", synapse " << m.synapse
    << "): field " << m.field << "\n";
  const arith::Format* f = field_format(m.field, q);
  s << "  expected (hw_model/arith etu_update) " << (f ? raw_and_real(m.expected, *f) : std::to_string(m.expected))
    << "\n  actual   (RTL etu.sv)                " << (f ? raw_and_real(m.actual, *f) : std::to_string(m.actual))
    << "\n";
  const EtuRecord& r = m.input;
  s << "  inputs (raw): h=" << r.h << " rho=" << r.rho << " beta=" << r.beta << " kappa=" << r.kappa
    << " L=" << r.L << " adaptive=" << r.adaptive << " zbar=" << r.zbar << " eps_a=" << r.eps_a
    << " filtered=" << r.filtered << " accumulator=" << r.accumulator << "\n"
    << "  key: seed=" << r.key.seed << " stream=" << r.key.stream << " index=" << r.key.index
    << " step=" << r.key.step << "\n";
  const EtuResult& x = m.expected_result;
  const EtuResult& a = m.actual_result;
  s << "  expected: eps_a=" << x.eps_a << " filtered=" << x.filtered << " accumulator=" << x.accumulator
    << " e=" << x.e << " sat=" << x.sat_eligibility << "/" << x.sat_accumulator << "\n"
    << "  actual:   eps_a=" << a.eps_a << " filtered=" << a.filtered << " accumulator=" << a.accumulator
    << " e=" << a.e << " sat=" << a.sat_eligibility << "/" << a.sat_accumulator;
  return s.str();
}

}  // namespace nchip::rtl
