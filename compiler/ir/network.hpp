// The network intermediate representation (IR): populations and projections with parameters in
// physical units. Concepts follow NIR (nodes = populations, edges = projections). The IR knows
// nothing about fixed point or chips; `compiler/lower` turns it into the models' form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nchip::ir {

enum class PopulationType { input, lif, alif, cuba_lif, readout };

// Types whose neurons spike (and sit in the models' spiking index space): lif, alif, cuba_lif.
inline bool is_spiking(PopulationType type) {
  return type == PopulationType::lif || type == PopulationType::alif || type == PopulationType::cuba_lif;
}

const char* to_string(PopulationType type);

// How a spiking neuron resets after a spike: eq. 20 subtracts v_th; NIR / Loihi / snnTorch "zero".
enum class ResetMode { subtract, zero };
const char* to_string(ResetMode mode);
std::optional<ResetMode> reset_mode_from_string(const std::string& text);
std::optional<PopulationType> population_type_from_string(const std::string& text);

// Parameters not used by a type are ignored (and not written) for that type.
struct Population {
  std::string name;
  PopulationType type = PopulationType::lif;
  uint32_t size = 0;
  double tau_m_ms = 20.0;   // spiking: membrane time constant (alpha = exp(-dt/tau_m), eq. 20)
  double v_th = 1.0;        // spiking: baseline threshold (eq. 21, 25)
  double t_ref_ms = 0.0;    // spiking: refractory period (z = 0 and h = 0 during it)
  double tau_syn_ms = 5.0;  // cuba_lif: synaptic current decay (alpha_syn = exp(-dt/tau_syn))
  // readout: the input charges a synaptic current with tau_syn_ms first (NIR CubaLI, issue #14);
  // set by a readout's "tau_syn_ms" key in the network JSON.
  bool readout_current = false;
  ResetMode reset = ResetMode::subtract;  // spiking: after a spike v -= v_th (eq. 20) or v = 0
  double v_leak = 0.0;      // spiking: resting voltage, tau dv/dt = v_leak - v (the bias gains (1 - alpha) v_leak)
  bool leak = true;         // spiking: false is IF (alpha = 1, tau_m_ms unused, v_leak must be 0)
  double tau_a_ms = 200.0;  // alif: adaptation time constant (rho = exp(-dt/tau_a), eq. 26)
  double beta = 0.0;        // alif: threshold increase per unit of adaptation (eq. 25)
  double tau_out_ms = 20.0; // readout: leak (kappa = exp(-dt/tau_out), eq. 41)
  // readout: b_k of eq. 41; spiking: a constant current added to v every step (issue #14).
  std::vector<double> bias; // empty = all zero, else size entries
  // cuba_lif and readouts with readout_current: a constant added to the synaptic current every step
  // (NIR's Affine bias into a CubaLIF / CubaLI enters I, tau_syn dI/dt = -I + w_in (W S + b)).
  std::vector<double> synaptic_bias;  // empty = all zero, else size entries
};

// A population with the given name, type and size and default parameters (for networks built in
// code, where designated initializers are not available in C++17).
inline Population make_population(std::string name, PopulationType type, uint32_t size) {
  Population p;
  p.name = std::move(name);
  p.type = type;
  p.size = size;
  return p;
}

struct Synapse {
  uint32_t pre = 0;   // index inside the source population
  uint32_t post = 0;  // index inside the target population
  double weight = 0.0;
};

// How weights are initialised when a projection gives no explicit weights: Gaussian with standard
// deviation gain / sqrt(fan_in) (Bellec et al. 2018), drawn from the network seed, so an untrained
// network is fully described without storing its matrices.
struct RandomInit {
  double gain = 1.0;
  double connection_probability = 1.0;  // < 1 gives a sparse projection
};

struct Projection {
  std::string source;  // population name
  std::string target;  // population name
  // Exactly one of these describes the weights after reading:
  //  dense: weights.size() == target.size * source.size, row-major [post][pre];
  //  sparse: synapses (sorted by post, then pre, no duplicates).
  bool dense = true;
  std::vector<double> weights;
  std::vector<Synapse> synapses;
  // Set when the file asked for random initialisation; the reader materialises the weights and
  // keeps this so the writer can keep the file short.
  std::optional<RandomInit> random_init;
  bool plastic = true;  // learned by e-prop when training
  // Synaptic delay in steps (issue #14, NIR Delay): a spike at step t reaches the target's input
  // at step t + delay_steps. 1 is the chip's plain delay (eq. 20); at most model::kMaxDelaySteps.
  uint32_t delay_steps = 1;
};

struct Network {
  std::string name = "network";
  double dt_ms = 1.0;
  uint64_t seed = 1;
  std::vector<Population> populations;
  std::vector<Projection> projections;
  std::string default_input;  // name of a runtime input generator ("store-recall", ...), optional

  const Population* find(const std::string& population_name) const;
  size_t index_of(const std::string& population_name) const;  // throws if missing
};

// Value equality, field by field (doubles with ==, so -0.0 == 0.0).
bool operator==(const Population& a, const Population& b);
bool operator==(const Synapse& a, const Synapse& b);
bool operator==(const RandomInit& a, const RandomInit& b);
bool operator==(const Projection& a, const Projection& b);
bool operator==(const Network& a, const Network& b);
inline bool operator!=(const Network& a, const Network& b) { return !(a == b); }

// What makes a network unusable, located by the JSON pointer of the offending field in the
// network's file form (compiler/README.md), so a built network and a read one report alike.
struct NetworkProblem {
  std::string pointer;  // e.g. "/populations/1/tau_m_ms"
  std::string what;     // e.g. "tau_m_ms must be > 0 ms, got -5"
};
std::optional<NetworkProblem> find_problem(const Network& network);
// Throws nchip::InputError "SOURCE: POINTER: what" for the first problem.
void validate(const Network& network, const std::string& source_name);

}  // namespace nchip::ir
