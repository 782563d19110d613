// A chip image seen from the IR: the population outline the CLI needs to size inputs and name
// results (an image carries no float weights, so the outline has no projections), and the network
// `nchip train --net NET.nchip` trains. (A run of an image is functional::run_image.)
#pragma once

#include "compiler/ir/network.hpp"
#include "hw_model/model/network_model.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

// Name, dt, seed, default input and populations (name, type, size) of the compiled network.
ir::Network outline_network(const image::ChipImage& image);

// What `nchip train --net NET.nchip` trains: the image's own model (raw weights and constants
// exactly as stored) and an IR network the learned weights are written back into.
struct ImageTrainingNetwork {
  ir::Network network;
  // The image's network; only SynapseOrigin::position of sparse projections is renumbered to
  // index `network`'s synapse lists (origins never change what the model computes).
  model::NetworkModel<arith::FixedOps> model;
};

// The outline plus every population's physical parameters, derived back from the quantized
// constants (tau = -dt / ln(alpha), v_th, beta and biases as reals, t_ref = steps * dt), and every
// projection of image.projections (same order, source and target from its "source->target"
// name) with weights raw * 2^(exponent - frac): dense where the synapses fill the matrix (the
// diagonal of a self-projection stays 0), else sparse sorted by (post, pre). Replaying that IR in
// fixed mode re-quantizes it, so its constants and weight exponents can differ from the image's
// in the last bit. Throws nchip::InputError for an image whose synapses do not fit its projections.
ImageTrainingNetwork training_network(const image::ChipImage& image);

}  // namespace nchip::compiler
