// nchip_etu_sc_cosim [UPDATES] [SEED]: random updates through the SystemC-verilated unit,
// checked against hw_model/arith; prints updates/s (the SystemC half of the co-simulation
// benchmark; `nchip cosim` is the plain C++ half). Exit 0 on match, 1 on mismatch.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rtl/cosim/etu_sc_bench.hpp"

// SystemC's own main() calls sc_main (declared extern "C" in sc_externs.h).
extern "C" int sc_main(int argc, char* argv[]) {
  using namespace nchip::rtl;
  const uint64_t updates = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  nchip::arith::QuantConfig quant;
  quant.rounding = systemc_etu_rounding();
  auto source = make_random_source(quant, seed, updates, Distribution::mixed);
  const ScCosimReport r = run_systemc_cosim(*source, quant);
  if (r.mismatch) {
    std::printf("%s\n", describe(*r.mismatch, quant).c_str());
    return 1;
  }
  std::printf("SystemC-verilated ETU: %llu updates compared, all match; %llu cycles, %.3f s, "
              "%.0f updates/s\n",
              static_cast<unsigned long long>(r.compared), static_cast<unsigned long long>(r.cycles),
              r.seconds, r.updates_per_second());
  return 0;
}
