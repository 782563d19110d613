// Hand-placed chip images for the timing tests: every population on a tile the test chooses, and
// dimension-ordered (X then Y) multicast routes built here, so the expected cycle counts follow
// from the chip description alone, independent of the compiler's placement.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/ir/network_json.hpp"
#include "compiler/lower.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::test {

inline constexpr uint32_t kHandKeyBits = 4;

// `network_json`: populations in file order; `tile_of`: population name -> tile (inputs: ignored,
// they enter at the host tile). Destinations of each sending population follow its projections.
inline image::ChipImage hand_image(const nlohmann::json& network_json, const image::ChipConfig& chip,
                                   uint32_t host_tile, const std::map<std::string, uint32_t>& tile_of) {
  const ir::Network net = ir::parse_network_json(network_json.dump(), "hand.json");
  image::ChipImage img;
  img.chip = chip;
  img.host_tile = host_tile;
  img.key_neuron_bits = kHandKeyBits;
  arith::SaturationCounts counts;
  img.network = compiler::lower(net, arith::FixedOps(img.quant, counts));
  img.routers.resize(chip.tiles());
  std::map<std::string, uint32_t> tile;
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const auto& pop = net.populations[p];
    const bool input = pop.type == ir::PopulationType::input;
    tile[pop.name] = input ? host_tile : tile_of.at(pop.name);
    img.slices.push_back({p, 0, pop.size, tile[pop.name], p << kHandKeyBits,
                          pop.type != ir::PopulationType::readout});
  }
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    std::vector<uint8_t> bits(chip.tiles(), 0);
    bool any = false;
    for (const auto& proj : net.projections) {
      if (proj.source != net.populations[p].name) continue;
      any = true;
      uint32_t at = tile[proj.source];
      const uint32_t to = tile[proj.target];
      while (at != to) {  // X first, then Y
        const uint32_t ax = at % chip.mesh_width, ay = at / chip.mesh_width;
        const uint32_t tx = to % chip.mesh_width, ty = to / chip.mesh_width;
        if (tx > ax) { bits[at] |= image::kEast; at += 1; }
        else if (tx < ax) { bits[at] |= image::kWest; at -= 1; }
        else if (ty > ay) { bits[at] |= image::kSouth; at += chip.mesh_width; }
        else { bits[at] |= image::kNorth; at -= chip.mesh_width; }
      }
      bits[at] |= image::kLocal;
    }
    if (!any) continue;
    for (uint32_t t = 0; t < chip.tiles(); ++t)
      if (bits[t]) img.routers[t].entries.push_back({p << kHandKeyBits, ~((1u << kHandKeyBits) - 1), bits[t]});
  }
  return img;
}

inline nlohmann::json lif_population(const std::string& name, uint32_t size) {
  return {{"name", name}, {"type", "lif"}, {"size", size}, {"tau_m_ms", 20}, {"v_th", 0.5}, {"t_ref_ms", 2}};
}

// A dense projection with every weight equal to `w`.
inline nlohmann::json dense(const std::string& source, const std::string& target, uint32_t pre, uint32_t post,
                            double w) {
  return {{"source", source}, {"target", target},
          {"weights", std::vector<std::vector<double>>(post, std::vector<double>(pre, w))}};
}

// The hand-made rows of the timing and --noc-stats tests: hop latency 3 (`line_chip`); with 2
// cycles per synaptic op, 5 per neuron update and 8-bit links, so a 32-bit packet is 4 flits
// (`timing_chip`).
inline image::ChipConfig line_chip(uint32_t width, uint32_t height = 1) {
  image::ChipConfig c;
  c.name = "timing";
  c.mesh_width = width;
  c.mesh_height = height;
  c.router_hop_latency_cycles = 3;
  return c;
}
inline image::ChipConfig timing_chip(uint32_t width, uint32_t height = 1) {
  image::ChipConfig c = line_chip(width, height);
  c.cycles_synaptic_op = 2;
  c.cycles_neuron_update = 5;
  c.router_link_width_bits = 8;
  return c;
}

// A row with the host on tile 0: `inputs` input neurons, each projecting onto "far" (one LIF on
// the last tile of the row) and "near" (one LIF on the host tile) with weight 0.1.
inline image::ChipImage far_near_image(const image::ChipConfig& chip, uint32_t inputs) {
  const nlohmann::json net = {{"name", "line"}, {"dt_ms", 1.0},
                              {"populations", {{{"name", "in"}, {"type", "input"}, {"size", inputs}},
                                               lif_population("far", 1), lif_population("near", 1)}},
                              {"projections", {dense("in", "far", inputs, 1, 0.1), dense("in", "near", inputs, 1, 0.1)}}};
  return hand_image(net, chip, 0, {{"far", chip.mesh_width - 1}, {"near", 0}});
}

}  // namespace nchip::test
