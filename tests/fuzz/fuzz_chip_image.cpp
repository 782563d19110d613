// Chip images (hw_model/image/chip_image), as `nchip inspect` loads and summarises them. The size
// and checksum are patched after mutation (image_bytes.hpp) so the section readers are reached;
// an accepted image then goes through the compile report (text and JSON), whose per-projection
// counters once indexed an unchecked field (issue #15 row 1) and whose JSON dump once met
// invalid UTF-8 names (row 3).
#include "compiler/report.hpp"
#include "hw_model/image/chip_image.hpp"
#include "tests/fuzz/fuzz_harness.hpp"
#include "tests/fuzz/image_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = nchip::fuzz::with_valid_checksum(nchip::fuzz::bytes_of(data, size));
  nchip::fuzz::accept_input_error([&] {
    const nchip::image::ChipImage image = nchip::image::read_image(bytes, "net.nchip");
    const nchip::compiler::CompileReport report = nchip::compiler::make_report(image);
    nchip::compiler::report_text(report);
    nchip::compiler::report_json(report).dump(2);
  });
  return 0;
}
