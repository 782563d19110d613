// Integration: the example networks compile on examples/chips/small.json, and running the image
// in the functional simulator gives bit-identical spikes and readouts to the IR in fixed mode.
#include <catch2/catch.hpp>

#include "compiler/chip_json.hpp"
#include "compiler/compile.hpp"
#include "compiler/image_network.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/lower.hpp"
#include "hw_model/functional/run.hpp"
#include "image_test_helpers.hpp"

using namespace nchip;

namespace {

// Inputs firing with probability ~5 % per step, from a fixed hash (no task generator needed).
functional::InputSpikes inputs(uint32_t n_inputs, uint32_t steps) {
  functional::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < n_inputs; ++i) {
      uint64_t x = (uint64_t{t} << 32 | i) * 0x9E3779B97F4A7C15ull;
      x ^= x >> 29;
      if (x % 100 < 5) in[t].push_back(i);
    }
  return in;
}

void check_example(const char* file, image::StorageScheme storage) {
  const ir::Network net = ir::read_network_file(std::string(NCHIP_SOURCE_DIR "/examples/networks/") + file);
  const image::ChipConfig chip = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/small.json");
  compiler::CompileOptions options;
  options.storage = storage;
  const arith::QuantConfig quant;
  const auto im = image::read_image(image::write_image(compiler::compile_network(net, chip, quant, options)), file);

  arith::SaturationCounts counts;
  const arith::FixedOps ops(quant, counts);
  const auto lowered = compiler::lower(net, ops);
  test::require_same_model(im.network, lowered);

  const uint32_t steps = 400;
  const auto x = inputs(lowered.n_inputs, steps);
  const auto from_ir = functional::run_network(lowered, ops, x, steps, 5, true);
  const auto from_image = functional::run_image(im, x, steps, 5, true);
  CHECK(from_ir.spikes == from_image.spikes);
  CHECK(from_ir.readouts == from_image.readouts);
  CHECK(from_ir.voltages == from_image.voltages);
  uint64_t spikes = 0;
  for (const auto& s : from_ir.spikes) spikes += s.size();
  CHECK(spikes > 0);  // the comparison means something
}

}  // namespace

TEST_CASE("pattern_generation: image runs bit-identically to the IR (full storage)") {
  check_example("pattern_generation.json", image::StorageScheme::full);
}

TEST_CASE("store_recall: image runs bit-identically to the IR (factored storage)") {
  check_example("store_recall.json", image::StorageScheme::factored);
}

TEST_CASE("store_recall_100: image runs bit-identically to the IR (full storage)") {
  check_example("store_recall_100.json", image::StorageScheme::full);
}
