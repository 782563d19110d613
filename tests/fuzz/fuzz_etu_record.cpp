// ETU record files (rtl/cosim/etu_record), as `nchip cosim --stimulus recorded` reads them: the
// header checks in the constructor, then every record's range check in next().
#include "rtl/cosim/etu_record.hpp"
#include "tests/fuzz/fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nchip::fuzz::ScratchFile file(".etu", data, size);
  nchip::fuzz::accept_input_error([&] {
    nchip::rtl::EtuRecordReader reader(file.path());
    nchip::rtl::EtuRecord record;
    while (reader.next(record)) {
    }
  });
  return 0;
}
