// Chip image round trip: an image the reader accepts is written, read back and written again to
// the same bytes (write_image is canonical: same image, same bytes).
#include "hw_model/image/chip_image.hpp"
#include "tests/fuzz/fuzz_harness.hpp"
#include "tests/fuzz/image_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nchip;
  const std::string bytes = fuzz::with_valid_checksum(fuzz::bytes_of(data, size));
  fuzz::accept_input_error([&] {
    const image::ChipImage first = image::read_image(bytes, "net.nchip");
    const std::string written = image::write_image(first);
    const image::ChipImage second = image::read_image(written, "written.nchip");
    fuzz::require(image::write_image(second) == written, "chip image: write(read(write(im))) != write(im)");
  });
  return 0;
}
