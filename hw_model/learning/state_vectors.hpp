// Named vectors of 64-bit words: how every part of a training run that persists across
// iterations (weights, the chip update unit's and the host optimizers' state, counters) hands its
// state to a checkpoint and takes it back. A new optimizer plugs in by returning more vectors.
// Words hold exact values: a double's bit pattern, a fixed-point raw value sign-extended, an
// integer as it is, so a restored run continues bit for bit (runtime/train/checkpoint_file.hpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "hw_model/arith/ops.hpp"
#include "hw_model/error.hpp"

namespace nchip::learning {

struct StateVector {
  std::string name;
  std::vector<uint64_t> words;
};
using StateVectors = std::vector<StateVector>;

template <class T>
uint64_t to_state_word(const T& value) {
  if constexpr (std::is_same_v<T, double>) {
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<uint64_t>(static_cast<int64_t>(value));
  } else {  // arith::Fx<Q>
    return static_cast<uint64_t>(static_cast<int64_t>(value.raw));
  }
}

template <class T>
T from_state_word(uint64_t word) {
  if constexpr (std::is_same_v<T, double>) {
    double value;
    std::memcpy(&value, &word, sizeof value);
    return value;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(word);
  } else {
    T value;
    value.raw = static_cast<decltype(value.raw)>(static_cast<int64_t>(word));
    return value;
  }
}

template <class T>
StateVector state_vector(std::string name, const std::vector<T>& values) {
  StateVector v{std::move(name), {}};
  v.words.reserve(values.size());
  for (const T& x : values) v.words.push_back(to_state_word(x));
  return v;
}

inline StateVector state_scalar(std::string name, uint64_t word) { return {std::move(name), {word}}; }

// The words of vector `name`; throws nchip::InputError (one line) when it is missing or, with
// `expected_size` given, has another length: a checkpoint from another configuration.
inline const std::vector<uint64_t>& state_words(const StateVectors& state, const std::string& name,
                                                size_t expected_size = SIZE_MAX) {
  for (const auto& v : state)
    if (v.name == name) {
      if (expected_size != SIZE_MAX && v.words.size() != expected_size)
        throw InputError("checkpoint: state '" + name + "' has " + std::to_string(v.words.size()) +
                         " values, this run has " + std::to_string(expected_size));
      return v.words;
    }
  throw InputError("checkpoint: no state '" + name + "' (written by another configuration)");
}

template <class T>
void restore_vector(const StateVectors& state, const std::string& name, std::vector<T>& out,
                    size_t expected_size = SIZE_MAX) {
  const auto& words = state_words(state, name, expected_size);
  out.resize(words.size());
  for (size_t i = 0; i < words.size(); ++i) out[i] = from_state_word<T>(words[i]);
}

inline uint64_t restore_scalar(const StateVectors& state, const std::string& name) {
  return state_words(state, name, 1)[0];
}

inline void append(StateVectors& to, StateVectors from) {
  for (auto& v : from) to.push_back(std::move(v));
}

}  // namespace nchip::learning
