// The SystemC-verilated unit in its SystemC testbench: one elaboration, so one TEST_CASE in this
// executable (catch_discover_tests runs it as its own process).
#include <catch2/catch.hpp>

#include "rtl/cosim/etu_sc_bench.hpp"

// libsystemc's own main() wants an sc_main; Catch's main() is the one that runs here.
extern "C" int sc_main(int, char*[]) { return 0; }

using namespace nchip::rtl;

TEST_CASE("the SystemC-verilated unit matches arith::etu_update", "[rtl][systemc]") {
  nchip::arith::QuantConfig q;
  q.rounding = systemc_etu_rounding();
  // Corners first (saturations, ties), then random values, with back-pressure and bubbles.
  auto records = corner_records(q);
  records.resize(2000);
  auto random = make_random_source(q, 8, 3000, Distribution::mixed);
  EtuRecord r;
  while (random->next(r)) records.push_back(r);
  auto source = make_vector_source(records);
  const ScCosimReport report = run_systemc_cosim(*source, q, 0.2, 0.2, 3);
  INFO((report.mismatch ? describe(*report.mismatch, q) : std::string()));
  REQUIRE(!report.mismatch);
  REQUIRE(report.compared == records.size());
  REQUIRE(report.cycles > records.size());
}
