// Issue #14: the snnTorch-shaped recurrent CubaLIF network, imported from NIR (both reset modes,
// with v_leak bias currents) and compiled for the Loihi-like chip, runs bit-identically on the
// SystemC chip and the functional model: spikes, readouts, voltages and synaptic currents.
#include <optional>

#include "compiler/chip_json.hpp"
#include "compiler/nir/nir_import.hpp"
#include "compiler/nir_cuba_fixture.hpp"
#include "support/cli_runner.hpp"
#include "systemc_test_helpers.hpp"

using namespace nchip;

TEST_CASE("a NIR CubaLIF network on the Loihi-like chip is bit-identical to functional", "[systemc]") {
  const image::ChipConfig loihi = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/loihi_like.json");
  auto& chip = systemc::TimedChip::instance(loihi.mesh_width, loihi.mesh_height);
  for (auto reset : {nir::ResetMode::zero, nir::ResetMode::subtract}) {
    INFO((reset == nir::ResetMode::zero ? "reset zero" : "reset subtract"));
    const std::string path = test::scratch_dir("systemc_nir_cuba") + "/net.nir";
    test::snntorch_cuba_fixture(test::snntorch_cuba_weights(true)).write(path);
    nir::ImportOptions o;
    o.reset = reset;
    const ir::Network net = nir::import_nir_file(path, o).network;
    const image::ChipImage image = compiler::compile_network(net, loihi, arith::QuantConfig{});
    test::require_bit_identical(chip, image, test::random_inputs(test::SnnTorchCuba::kIn, 300, 0.15, 2), 300, 2);
  }
}

// With a CubaLI readout (a readout with a synaptic current, issue #14) of the recurrent layer.
TEST_CASE("a NIR CubaLI readout on the Loihi-like chip is bit-identical to functional", "[systemc]") {
  const image::ChipConfig loihi = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/loihi_like.json");
  auto& chip = systemc::TimedChip::instance(loihi.mesh_width, loihi.mesh_height);
  const std::string path = test::scratch_dir("systemc_nir_cubali") + "/net.nir";
  test::with_cuba_li(test::snntorch_cuba_weights(true), test::CubaLi{}).write(path);
  const ir::Network net = nir::import_nir_file(path, nir::ImportOptions{}).network;
  REQUIRE(net.find("cli")->readout_current);
  const image::ChipImage image = compiler::compile_network(net, loihi, arith::QuantConfig{});
  test::require_bit_identical(chip, image, test::random_inputs(test::SnnTorchCuba::kIn, 300, 0.15, 2), 300, 2);
}
