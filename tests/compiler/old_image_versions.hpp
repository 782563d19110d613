// An image as an older nchip wrote it, made from today's bytes, for the tests that older versions
// still read: version 4 (before issue #17's Adafactor registers) lacks LERN's last byte; version 3 (before issue #14) has no synaptic_current format in QUNT (the 11th of its
// 3-byte formats) and no CUBA block in NEUR's neuron records (38 -> 29 bytes); version 2 (before
// issue #17's optimizer block) also lacks LERN's last 6 bytes. Both stored one hop energy: CHIP
// without energy_hop_north_south_pj (its last number) and the chip hash over that form. Header
// and checksum are redone. Version 4 (before issue #14's delays) lacks each SYNP matrix's delay
// list (an empty one, 8 bytes, when the network has no delays > 1; only such images convert).
// Version 5 (before CubaLI readouts and synaptic biases) lacks each neuron record's synaptic_bias
// (42 -> 38 bytes) and each readout record's flags, alpha_syn and synaptic_bias (17 -> 8 bytes);
// only images without a CubaLI readout or a synaptic bias convert. Version 6 (before issue #16's
// fan-in model) lacks CHIP's last byte; only images of source_neurons chips convert.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "hw_model/image/checksum.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::test {

inline uint64_t get_le(const std::string& b, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(b[at + i])} << (8 * i);
  return v;
}
inline void put_le(std::string& b, size_t at, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b[at + i] = static_cast<char>(v >> (8 * i));
}

// SYNP's three matrices without their (empty) version-5 delay lists.
inline std::string without_delay_lists(std::string synp) {
  size_t at = 0;
  for (int matrix = 0; matrix < 3; ++matrix) {
    at += 8;  // n_sources, n_targets
    for (size_t element_bytes : {4, 4, 4, 1, 1, 8})  // row_start, target, weight, exponent, plastic, origin
      at += 8 + get_le(synp, at, 8) * element_bytes;
    if (get_le(synp, at, 8) != 0) throw std::logic_error("as_image_version: the network has delays > 1");
    synp.erase(at, 8);
  }
  return synp;
}

// NEUR without the version-6 fields: each neuron record's synaptic_bias, each readout record's
// flags (u8), alpha_syn and synaptic_bias.
inline std::string without_readout_currents(const std::string& neur) {
  constexpr size_t kNeuronNow = 42, kNeuronBefore = 38, kReadoutNow = 17, kReadoutBefore = 8;
  const uint64_t n = get_le(neur, 0, 8);
  std::string out = neur.substr(0, 8);
  for (uint64_t j = 0; j < n; ++j) {
    const size_t at = 8 + j * kNeuronNow;
    if (get_le(neur, at + kNeuronBefore, 4) != 0) throw std::logic_error("as_image_version: a synaptic bias");
    out += neur.substr(at, kNeuronBefore);
  }
  const size_t readouts_at = 8 + n * kNeuronNow;
  const uint64_t k = get_le(neur, readouts_at, 8);
  out += neur.substr(readouts_at, 8);
  for (uint64_t r = 0; r < k; ++r) {
    const size_t at = readouts_at + 8 + r * kReadoutNow;
    if (neur[at + kReadoutBefore] != 0) throw std::logic_error("as_image_version: the network has a CubaLI readout");
    out += neur.substr(at, kReadoutBefore);
  }
  return out + neur.substr(readouts_at + 8 + k * kReadoutNow);
}

inline std::string as_image_version(const std::string& now, uint32_t version) {
  constexpr size_t kHeader = 40, kCubaNeuron = 38, kPlainNeuron = 29, kOptimizerBlock = 6, kFactorBlock = 1;
  std::string out = now.substr(0, kHeader);
  put_le(out, 8, version, 4);
  const image::ChipImage parsed = image::read_image(now, "now");
  put_le(out, 24, image::chip_hash(parsed.chip, version), 8);
  size_t chip_numbers = 0;
  image::for_each_number(parsed.chip, [&](const char*, const auto&, const char*, const char*) { ++chip_numbers; });
  const uint64_t sections = get_le(now, 32, 4);
  size_t at = kHeader;
  for (uint64_t s = 0; s < sections; ++s) {
    const std::string tag = now.substr(at, 4);
    const uint64_t length = get_le(now, at + 4, 8);
    std::string payload = now.substr(at + 12, length);
    if (tag == "CHIP" && version < image::kImageVersionFanInModel) {
      if (parsed.chip.fan_in_model != image::FanInModel::source_neurons)
        throw std::logic_error("as_image_version: the chip counts fan-in in axons");
      payload.erase(payload.size() - 1);
    }
    if (tag == "CHIP" && version < image::kImageVersionSplitHopEnergy)
      payload.erase(8 + get_le(payload, 0, 8) + (chip_numbers - 1) * 8, 8);
    if (tag == "QUNT" && version < 4) payload.erase(10 * 3, 3);
    if (tag == "NEUR" && version < image::kImageFormatReadoutCurrentVersion) payload = without_readout_currents(payload);
    if (tag == "NEUR" && version < 4) {
      const uint64_t n = get_le(payload, 0, 8);
      std::string neurons = payload.substr(0, 8);
      for (uint64_t j = 0; j < n; ++j) neurons += payload.substr(8 + j * kCubaNeuron, kPlainNeuron);
      payload = neurons + payload.substr(8 + n * kCubaNeuron);
    }
    if (tag == "SYNP" && version < image::kImageFormatDelayVersion) payload = without_delay_lists(payload);
    if (tag == "LERN" && version < image::kImageFormatFactorVersion) payload.erase(payload.size() - kFactorBlock);
    if (tag == "LERN" && version < 3) payload.erase(payload.size() - kOptimizerBlock);
    std::string head = now.substr(at, 12);
    put_le(head, 4, payload.size(), 8);
    out += head + payload;
    at += 12 + length;
  }
  put_le(out, 16, out.size() + 8, 8);
  image::Fnv1a64 h;
  h.add(out.data(), out.size());
  out += std::string(8, '\0');
  put_le(out, out.size() - 8, h.value(), 8);
  return out;
}

}  // namespace nchip::test
