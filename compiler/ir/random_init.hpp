// Random weight initialisation of projections: Gaussian weights with standard deviation
// gain / sqrt(fan_in) (Bellec et al. 2018), drawn with the counter-based generator of
// hw_model/arith/counter_rng.hpp so every weight is a pure function of (network seed, projection
// index, synapse index): the same file gives the same weights on any machine whose libm agrees
// (log, cos), whatever order anything is visited in.
#pragma once

#include <cstddef>
#include <cstdint>

#include "compiler/ir/network.hpp"

namespace nchip::ir {

// One N(0, 1) draw by the Box-Muller transform (std::normal_distribution is
// implementation-defined). `index` may exceed 32 bits; only the cosine branch is used so each
// index owns its two uniforms.
double counter_normal(uint64_t seed, uint32_t stream, uint64_t index);

// Draws the weights that network.projections[projection_index].random_init describes into
// `out` (its dense, weights and synapses; the rest untouched). `out` may be that projection.
// Synapse (pre, post) has index post * source_size + pre; weights use stream = projection index,
// the keep/drop choice of a sparse projection (connection_probability < 1) uses stream
// projection index + 2^31, so thinning a projection keeps the surviving synapses' weights.
// A projection from a population to itself gets no self-connections (i != j, eq. 20 of the
// e-prop paper): zero diagonal when dense, omitted when sparse.
void draw_random_init(const Network& network, size_t projection_index, Projection& out);

// draw_random_init for every projection that has a random_init (the reader calls this).
void materialise_random_init(Network& network);

// Replaces every projection's weights by a random init with this gain and sets network.seed =
// seed, so the written file (which then says "init") reads back to the same weights. Dense stays
// dense; a sparse projection keeps its connection probability (its random_init's, else its
// density: synapses / possible synapses) and gets a fresh pattern. A sparse projection with no
// synapses is left alone; one whose density is 1 becomes dense (the same connectivity).
void randomize_all_weights(Network& network, uint64_t seed, double gain = 1.0);

}  // namespace nchip::ir
