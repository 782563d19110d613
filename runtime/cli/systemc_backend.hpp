// `--backend functional|systemc` for the commands that simulate (nchip run; nchip train once it
// calls this): the SystemC options, their checks, and running a recording on the timed chip.
#pragma once

#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "compiler/ir/network.hpp"
#include "hw_model/functional/run.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::runtime {

struct TrainOptions;

// --backend, --chip, --stats, --trace, --trace-tile.
void add_backend_options(boost::program_options::options_description& opts);
// True for --backend systemc (InputError for an unknown backend, for float mode, or for the
// SystemC-only flags without it).
bool systemc_backend_requested(const boost::program_options::variables_map& vm, const std::string& mode);

// Compiles `network` for --chip (default: the built-in chip description) unless `image` is given,
// runs it on the SystemC chip with each step into `sink`, writes --stats and prints the chip summary
// (unless `quiet`).
void run_on_systemc(const boost::program_options::variables_map& vm, const ir::Network& network,
                    const std::optional<image::ChipImage>& image, const arith::QuantConfig& quant,
                    const functional::InputSpikes& inputs, uint32_t steps, uint64_t seed, bool record_voltages,
                    bool quiet, model::RecordingSink& sink);

// nchip train: sets o.systemc_backend, o.chip and o.systemc (trace) from the flags. With
// `image_chip` (training a chip image) the chip is the image's and --chip is an error.
void configure_systemc_training(const boost::program_options::variables_map& vm, const std::string& mode,
                                TrainOptions& o, const image::ChipConfig* image_chip = nullptr);
// After a SystemC run: writes --stats (if given) and, unless `quiet`, prints the chip summary.
// `dt_ms` is the network's time step: with it the stats give the network time the run covered
// and the real-time factor (emulated chip time / network time).
void report_systemc(const boost::program_options::variables_map& vm, bool quiet, double dt_ms);

}  // namespace nchip::runtime
