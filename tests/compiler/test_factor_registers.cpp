// Issue #17: Adafactor's row and column statistics are chip memory. Each core reserves one 48-bit
// register per (plastic projection, target neuron on the core) and per (plastic projection,
// source neuron with a plastic synapse on the core); the partitioner counts them against
// core_synapse_memory_bits, the compile report gives them per core and in all, the image records
// the register width (format version 5) and version 4 images still read (with none reserved).
#include <catch2/catch.hpp>

#include <algorithm>

#include "compiler/report.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/chip_image.hpp"
#include "hw_model/learning/batch_update.hpp"
#include "mapping_test_helpers.hpp"
#include "old_image_versions.hpp"

using namespace nchip;
using nchip::test::compile_error;
using nchip::test::in_to_rec;
using T = ir::PopulationType;

namespace {

constexpr uint32_t kRegister = 48;

compiler::CompileOptions adafactor() {
  compiler::CompileOptions o;
  o.factor_register_bits = learning::factor_register_bits(learning::BatchRule::adafactor);
  return o;
}

// in (10) -> rec (8) dense plastic, bias (3) -> rec dense fixed, rec -> out (2) dense plastic.
ir::Network two_cores_and_a_readout() {
  ir::Network net;
  net.name = "factors";
  net.populations = {test::pop("in", T::input, 10), test::pop("bias", T::input, 3), test::pop("rec", T::lif, 8),
                     test::pop("out", T::readout, 2)};
  net.projections = {test::dense(net, "in", "rec"), test::dense(net, "bias", "rec", false),
                     test::dense(net, "rec", "out")};
  return net;
}

}  // namespace

TEST_CASE("the rule's register width: 48 bits for Adafactor, none for the others") {
  CHECK(learning::factor_register_bits(learning::BatchRule::adafactor) == kRegister);
  CHECK(arith::kFactorMaxRaw == (uint64_t{1} << kRegister) - 1);
  for (auto rule : {learning::BatchRule::sgd, learning::BatchRule::sign, learning::BatchRule::lion,
                    learning::BatchRule::adam})
    CHECK(learning::factor_register_bits(rule) == 0);
}

// One core, 10 inputs x 4 neurons: 4 row + 10 column registers = 672 bits beyond SGD's memory.
TEST_CASE("Adafactor's row and column registers count against synapse memory in partitioning") {
  auto chip = test::tiny_chip(1, 1, 4);
  const arith::QuantConfig q;
  const uint64_t sgd_bits = 40ull * image::synapse_bits(chip, q, image::StorageScheme::full, true, false) +
                            image::kGroupHeaderBits;
  const auto net = in_to_rec(10, 4);
  chip.core_synapse_memory_bits = sgd_bits;
  CHECK(compile_error(net, chip) == "<no error>");
  CHECK(compile_error(net, chip, adafactor()).find("core_synapse_memory_bits") != std::string::npos);
  chip.core_synapse_memory_bits = sgd_bits + (4 + 10) * kRegister - 1;
  CHECK(compile_error(net, chip, adafactor()).find("core_synapse_memory_bits") != std::string::npos);
  chip.core_synapse_memory_bits = sgd_bits + (4 + 10) * kRegister;
  CHECK(compile_error(net, chip, adafactor()) == "<no error>");
  // Factored storage has no batch update unit: nothing is reserved.
  compiler::CompileOptions factored = adafactor();
  factored.storage = image::StorageScheme::factored;
  CHECK(compiler::compile_network(net, chip, q, factored).factor_register_bits == 0);
}

// Two cores of 4 rec neurons: each holds 4 rows and 10 columns of in->rec (the fixed bias->rec
// projection has none); the readout core 2 rows and 8 columns of rec->out. 14 + 14 + 10 = 38.
TEST_CASE("the compile report gives Adafactor's registers per core and in all (hand-counted)") {
  const auto chip = test::tiny_chip(3, 1, 4);
  const auto im = compiler::compile_network(two_cores_and_a_readout(), chip, arith::QuantConfig{}, adafactor());
  CHECK(im.factor_register_bits == kRegister);
  const auto with = compiler::make_report(im);
  const auto without = compiler::make_report(compiler::compile_network(two_cores_and_a_readout(), chip, {}));
  REQUIRE(with.cores.size() == 3);
  std::vector<uint64_t> per_core;
  for (size_t c = 0; c < 3; ++c) {
    const auto& u = with.cores[c].usage;
    per_core.push_back(u.factor_bits);
    CHECK(u.optimizer_bits == u.factor_bits);
    CHECK(u.learning_bits == without.cores[c].usage.learning_bits + u.factor_bits);
    CHECK(u.memory_bits == without.cores[c].usage.memory_bits + u.factor_bits);
  }
  std::sort(per_core.begin(), per_core.end());
  CHECK(per_core == std::vector<uint64_t>{10 * kRegister, 14 * kRegister, 14 * kRegister});
  CHECK(with.factor_bits == 38 * kRegister);
  CHECK(with.optimizer_bits == 38 * kRegister);
  CHECK(with.memory_bits == without.memory_bits + 38 * kRegister);
  const auto json = compiler::report_json(with);
  CHECK(json["optimizer_factor_register_bits"] == kRegister);
  CHECK(json["optimizer_factor_bits"] == 38 * kRegister);
  CHECK(json["optimizer_state_bits_per_plastic_synapse"] == 0);
  const std::string text = compiler::report_text(with, 100);
  CHECK(text.find("optimizer state 48-bit row and column registers per projection (Adafactor)") != std::string::npos);
  CHECK(text.find("(38 row and column registers in all)") != std::string::npos);
  CHECK(compiler::report_json(without)["optimizer_factor_bits"] == 0);
}

// On one core the chip's registers are exactly the simulator's statistics (learning::factor_state_bits:
// a row per target and a column per source of each plastic projection).
TEST_CASE("on one core the reserved registers equal the update unit's row and column statistics") {
  const auto im = compiler::compile_network(in_to_rec(10, 4), test::tiny_chip(1, 1, 4), {}, adafactor());
  const auto report = compiler::make_report(im);
  const uint64_t simulated = learning::factor_state_bits(im.network.input_synapses) +
                             learning::factor_state_bits(im.network.recurrent_synapses) +
                             learning::factor_state_bits(im.network.readout_synapses);
  CHECK(simulated == (4 + 10) * kRegister);
  CHECK(report.factor_bits == simulated);
}

TEST_CASE("the image carries the register width (format version 5) and reads version 4 with none") {
  const auto chip = test::tiny_chip(3, 1, 4);
  const auto im = compiler::compile_network(two_cores_and_a_readout(), chip, {}, adafactor());
  const std::string bytes = image::write_image(im);
  const auto back = image::read_image(bytes, "x");
  CHECK(back.factor_register_bits == kRegister);
  CHECK(image::write_image(back) == bytes);
  CHECK(compiler::make_report(back).factor_bits == 38 * kRegister);
  // Version 4: no register byte; the image reads with none reserved and is otherwise the same.
  const auto old = image::read_image(test::as_image_version(bytes, 4), "old");
  CHECK(old.factor_register_bits == 0);
  CHECK(compiler::make_report(old).factor_bits == 0);
  const auto plain = compiler::compile_network(two_cores_and_a_readout(), chip, {});
  CHECK(image::write_image(image::read_image(test::as_image_version(image::write_image(plain), 4), "old")) ==
        image::write_image(plain));
  // A register width the chip does not have is refused with one line.
  auto odd = im;
  odd.factor_register_bits = 40;
  try {
    image::read_image(image::write_image(odd), "net.nchip");
    FAIL("a 40-bit register width was read");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "net.nchip: section LERN: factor register bits must be 0 or 48 (Adafactor's row and column registers)");
  }
}
