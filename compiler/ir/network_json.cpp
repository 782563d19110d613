#include "compiler/ir/network_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "compiler/ir/random_init.hpp"
#include "compiler/ir/size_limit.hpp"
#include "compiler/json_reader.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::ir {

namespace {

using json_reader::child;
using json_reader::in_quotes;
using json_reader::json;
using json_reader::Reader;

// Reader::finite_number and Reader::unsigned_integer for the values of a weight matrix or synapse
// list: a good value is taken as is, and only a bad one builds its JSON pointer (`pointer()`)
// for the reader's error, so reading N weights does not format N pointers.
template <class Pointer>
double weight_value(const Reader& r, const json& value, const Pointer& pointer) {
  if (value.is_number()) {
    const double x = value.get<double>();
    if (std::isfinite(x)) return x;
  }
  return r.finite_number(value, pointer());
}

template <class Pointer>
uint32_t neuron_index(const Reader& r, const json& value, const Pointer& pointer) {
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  if (value.is_number_unsigned()) {
    const uint64_t x = value.get<uint64_t>();
    if (x <= kMax) return static_cast<uint32_t>(x);
  }
  return static_cast<uint32_t>(r.unsigned_integer(value, pointer(), kMax));
}

// Which keys each population type takes; a key of another type is named as such in the error.
const std::vector<std::string>& keys_of(PopulationType type) {
  static const std::vector<std::string> input = {"name", "type", "size"};
  // Spiking types share the issue #14 keys (bias, v_leak, reset, leak).
  static const std::vector<std::string> lif = {"name", "type", "size", "tau_m_ms", "v_th", "t_ref_ms",
                                               "bias", "v_leak", "reset", "leak"};
  static const std::vector<std::string> alif = {"name",     "type",     "size", "tau_m_ms", "v_th",  "t_ref_ms",
                                                "tau_a_ms", "beta",     "bias", "v_leak",   "reset", "leak"};
  static const std::vector<std::string> cuba_lif = {"name",       "type", "size",   "tau_m_ms", "v_th", "t_ref_ms",
                                                    "tau_syn_ms", "bias", "v_leak", "reset",    "leak", "synaptic_bias"};
  static const std::vector<std::string> readout = {"name", "type", "size", "tau_out_ms", "tau_syn_ms", "bias",
                                                   "synaptic_bias"};
  switch (type) {
    case PopulationType::input: return input;
    case PopulationType::lif: return lif;
    case PopulationType::alif: return alif;
    case PopulationType::cuba_lif: return cuba_lif;
    case PopulationType::readout: return readout;
  }
  return input;
}

// 2^28 weights are 2 GiB of doubles, far beyond any chip this emulates.
constexpr uint64_t kMaxRandomPairs = uint64_t{1} << 28;

constexpr PopulationType kAllTypes[] = {PopulationType::input, PopulationType::lif, PopulationType::alif,
                                        PopulationType::cuba_lif, PopulationType::readout};

void reject_foreign_keys(const Reader& r, const json& j, const std::string& at,
                         PopulationType type) {
  const auto key = Reader::first_unknown_key(j, keys_of(type));
  if (!key) return;
  std::vector<std::string> owners;
  for (PopulationType other : kAllTypes) {
    const auto& keys = keys_of(other);
    if (std::find(keys.begin(), keys.end(), *key) != keys.end()) owners.push_back(to_string(other));
  }
  const std::string owner =
      std::string(type == PopulationType::input ? "an " : "a ") + to_string(type) + " population";
  if (owners.empty())
    r.fail(child(at, *key), Reader::unknown_key_message(*key, keys_of(type), owner));
  r.fail(child(at, *key), in_quotes(*key) + " does not apply to " + owner + " (only to " +
                              json_reader::list_or(owners) + ")");
}

void read_number_if_present(const Reader& r, const json& j, const std::string& at, const char* key,
                            double& out) {
  if (const json* v = Reader::optional(j, key)) out = r.finite_number(*v, child(at, key));
}

// One value per neuron under `key`. The IR's "empty = all zero" is for built networks; a file
// that writes the key means it.
void read_per_neuron_if_present(const Reader& r, const json& j, const std::string& at, const char* key,
                                const Population& p, std::vector<double>& out) {
  const json* values = Reader::optional(j, key);
  if (!values) return;
  const std::string values_at = child(at, key);
  r.expect_array(*values, values_at, std::string("one ") + key + " per neuron");
  if (values->size() != p.size)
    r.fail(values_at, fmt::format("expected {} {} values ({} {} has {} neurons), got {}", p.size, key,
                                  to_string(p.type), in_quotes(p.name), p.size, values->size()));
  for (size_t k = 0; k < values->size(); ++k) out.push_back(r.finite_number((*values)[k], child(values_at, k)));
}

Population read_population(const Reader& r, const json& j, const std::string& at) {
  r.expect_object(j, at);
  Population p;
  p.name = r.string(r.required(j, at, "name"), child(at, "name"));
  const std::string type_at = child(at, "type");
  const std::string type_text = r.string(r.required(j, at, "type"), type_at);
  const auto type = population_type_from_string(type_text);
  if (!type)
    r.fail(type_at, "unknown population type " + in_quotes(type_text) +
                        " (expected input, lif, alif, cuba_lif or readout)");
  p.type = *type;
  reject_foreign_keys(r, j, at, p.type);
  p.size = static_cast<uint32_t>(r.unsigned_integer(r.required(j, at, "size"), child(at, "size"),
                                                    std::numeric_limits<uint32_t>::max()));
  read_number_if_present(r, j, at, "tau_m_ms", p.tau_m_ms);
  read_number_if_present(r, j, at, "v_th", p.v_th);
  read_number_if_present(r, j, at, "t_ref_ms", p.t_ref_ms);
  read_number_if_present(r, j, at, "tau_a_ms", p.tau_a_ms);
  read_number_if_present(r, j, at, "beta", p.beta);
  read_number_if_present(r, j, at, "tau_out_ms", p.tau_out_ms);
  read_number_if_present(r, j, at, "tau_syn_ms", p.tau_syn_ms);
  if (p.type == PopulationType::readout) p.readout_current = Reader::optional(j, "tau_syn_ms") != nullptr;
  read_number_if_present(r, j, at, "v_leak", p.v_leak);
  if (const json* v = Reader::optional(j, "leak")) p.leak = r.boolean(*v, child(at, "leak"));
  if (const json* v = Reader::optional(j, "reset")) {
    const std::string text = r.string(*v, child(at, "reset"));
    const auto mode = reset_mode_from_string(text);
    if (!mode) r.fail(child(at, "reset"), "unknown reset " + in_quotes(text) + " (expected subtract or zero)");
    p.reset = *mode;
  }
  read_per_neuron_if_present(r, j, at, "bias", p, p.bias);
  read_per_neuron_if_present(r, j, at, "synaptic_bias", p, p.synaptic_bias);
  return p;
}

void read_dense(const Reader& r, const json& j, const std::string& at, const Population& pre,
                const Population& post, Projection& proj) {
  r.expect_array(j, at, "one row of source weights per target neuron");
  if (j.size() != post.size)
    r.fail(at, fmt::format("expected {} rows (target {} has {} neurons), got {}", post.size,
                           in_quotes(post.name), post.size, j.size()));
  proj.dense = true;
  for (size_t row = 0; row < j.size(); ++row) {
    const std::string row_at = child(at, row);
    r.expect_array(j[row], row_at, "the weights from each source neuron");
    if (j[row].size() != pre.size)
      r.fail(row_at, fmt::format("expected {} weights (source {} has {} neurons), got {}", pre.size,
                                 in_quotes(pre.name), pre.size, j[row].size()));
    for (size_t col = 0; col < pre.size; ++col)
      proj.weights.push_back(weight_value(r, j[row][col], [&] { return child(row_at, col); }));
  }
}

// Checks indices against the populations here, while positions still match the file; the IR
// then keeps them sorted by (post, pre).
void read_sparse(const Reader& r, const json& j, const std::string& at, const Population& pre,
                 const Population& post, Projection& proj) {
  r.expect_array(j, at, "of [pre, post, weight] triples");
  proj.dense = false;
  std::vector<std::pair<Synapse, size_t>> read;  // synapse, position in the file
  read.reserve(j.size());
  for (size_t k = 0; k < j.size(); ++k) {
    // The pointer to this triple (or one of its entries) is formatted only for an error.
    const auto s_at = [&] { return child(at, k); };
    const json& triple = j[k];
    if (!triple.is_array() || triple.size() != 3)
      r.fail(s_at(), "expected [pre, post, weight], got " +
                         (triple.is_array() ? fmt::format("{} entries", triple.size())
                                            : json_reader::describe(triple)));
    Synapse s;
    s.pre = neuron_index(r, triple[0], [&] { return child(s_at(), 0); });
    s.post = neuron_index(r, triple[1], [&] { return child(s_at(), 1); });
    s.weight = weight_value(r, triple[2], [&] { return child(s_at(), 2); });
    if (s.pre >= pre.size)
      r.fail(child(s_at(), 0), fmt::format("pre index {} out of range (source {} has {} neurons)",
                                           s.pre, in_quotes(pre.name), pre.size));
    if (s.post >= post.size)
      r.fail(child(s_at(), 1), fmt::format("post index {} out of range (target {} has {} neurons)",
                                           s.post, in_quotes(post.name), post.size));
    read.emplace_back(s, k);
  }
  const auto order = [](const std::pair<Synapse, size_t>& a, const std::pair<Synapse, size_t>& b) {
    return std::tie(a.first.post, a.first.pre, a.second) <
           std::tie(b.first.post, b.first.pre, b.second);
  };
  // Files written by nchip list synapses in this order already (the key is unique: no sort needed).
  if (!std::is_sorted(read.begin(), read.end(), order)) std::sort(read.begin(), read.end(), order);
  // Report the duplicate that comes first in the file, pointing back at its twin.
  size_t dup = read.size();
  for (size_t k = 1; k < read.size(); ++k) {
    const bool same =
        read[k].first.pre == read[k - 1].first.pre && read[k].first.post == read[k - 1].first.post;
    if (same && (dup == read.size() || read[k].second < read[dup].second)) dup = k;
  }
  if (dup != read.size()) {
    const Synapse& s = read[dup].first;
    r.fail(child(at, read[dup].second),
           fmt::format("duplicate synapse pre {} -> post {} (also at {})", s.pre, s.post,
                       child(at, read[dup - 1].second)));
  }
  proj.synapses.reserve(read.size());
  for (const auto& item : read) proj.synapses.push_back(item.first);
}

RandomInit read_init(const Reader& r, const json& j, const std::string& at) {
  r.expect_object(j, at);
  r.reject_unknown_keys(j, at, {"gain", "connection_probability"}, "init");
  RandomInit init;
  read_number_if_present(r, j, at, "gain", init.gain);
  read_number_if_present(r, j, at, "connection_probability", init.connection_probability);
  return init;
}

const Population& endpoint(const Reader& r, const Network& net, const json& j,
                           const std::string& at, const char* key) {
  const std::string name = r.string(r.required(j, at, key), child(at, key));
  const Population* p = net.find(name);
  if (p == nullptr) {
    std::vector<std::string> names;
    for (const Population& q : net.populations) names.push_back(in_quotes(q.name));
    r.fail(child(at, key), "unknown population " + in_quotes(name) + " (the populations are " +
                               json_reader::list_or(names) + ")");
  }
  return *p;
}

Projection read_projection(const Reader& r, const json& j, const std::string& at,
                           const Network& net) {
  r.expect_object(j, at);
  r.reject_unknown_keys(j, at, {"source", "target", "weights", "synapses", "init", "plastic", "delay_steps"},
                        "a projection");
  Projection proj;
  const Population& pre = endpoint(r, net, j, at, "source");
  const Population& post = endpoint(r, net, j, at, "target");
  proj.source = pre.name;
  proj.target = post.name;
  if (const json* v = Reader::optional(j, "plastic"))
    proj.plastic = r.boolean(*v, child(at, "plastic"));
  // issue #14: 0 passes the reader and is refused by validation, with the same pointer.
  if (const json* v = Reader::optional(j, "delay_steps"))
    proj.delay_steps = static_cast<uint32_t>(r.unsigned_integer(*v, child(at, "delay_steps"), model::kMaxDelaySteps));

  std::vector<std::string> given;
  for (const char* key : {"weights", "synapses", "init"})
    if (j.contains(key)) given.push_back(in_quotes(key));
  if (given.size() != 1) {
    std::string got = given.empty() ? "none" : given[0];
    for (size_t k = 1; k < given.size(); ++k)
      got += (k + 1 == given.size() ? " and " : ", ") + given[k];
    r.fail(at,
           "needs exactly one of 'weights' (dense), 'synapses' (sparse) or 'init' (random), got " +
               got);
  }
  if (const json* w = Reader::optional(j, "weights"))
    read_dense(r, *w, child(at, "weights"), pre, post, proj);
  if (const json* s = Reader::optional(j, "synapses"))
    read_sparse(r, *s, child(at, "synapses"), pre, post, proj);
  if (const json* i = Reader::optional(j, "init")) {
    proj.random_init = read_init(r, *i, child(at, "init"));
    // Drawing visits every (pre, post) pair: refuse sizes that would exhaust memory or time
    // with a clear line instead of std::bad_alloc. Explicit weights are bounded by the file.
    const uint64_t pairs = uint64_t{pre.size} * post.size;
    if (pairs > kMaxRandomPairs)
      r.fail(child(at, "init"),
             fmt::format("{} x {} = {} possible synapses is more than the {} a random init draws",
                         post.size, pre.size, pairs, kMaxRandomPairs));
  }
  return proj;
}

// ---- writer ----------------------------------------------------------------------------------

using ordered = nlohmann::ordered_json;

// Pretty printing with one line per array of scalars keeps a weight matrix readable (one row per
// line) where nlohmann's dump(2) would put every number on its own line.
void emit(const ordered& j, size_t indent, std::string& out) {
  const bool is_object = j.is_object();
  if (!j.is_structured()) {
    out += j.dump();  // doubles in nlohmann's shortest round-trip form
    return;
  }
  if (j.empty()) {
    out += is_object ? "{}" : "[]";
    return;
  }
  const bool flat = !is_object && std::none_of(j.begin(), j.end(),
                                               [](const ordered& e) { return e.is_structured(); });
  if (flat) {
    out += '[';
    for (size_t k = 0; k < j.size(); ++k) {
      if (k > 0) out += ", ";
      out += j[k].dump();
    }
    out += ']';
    return;
  }
  const std::string pad(indent + 2, ' ');
  out += is_object ? "{\n" : "[\n";
  bool first = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!first) out += ",\n";
    first = false;
    out += pad;
    if (is_object) out += ordered(it.key()).dump() + ": ";
    emit(*it, indent + 2, out);
  }
  out += '\n' + std::string(indent, ' ') + (is_object ? '}' : ']');
}

ordered population_json(const Population& p) {
  ordered j;
  j["name"] = p.name;
  j["type"] = to_string(p.type);
  j["size"] = p.size;
  if (is_spiking(p.type)) {
    j["tau_m_ms"] = p.tau_m_ms;
    j["v_th"] = p.v_th;
    j["t_ref_ms"] = p.t_ref_ms;
  }
  if (p.type == PopulationType::cuba_lif) j["tau_syn_ms"] = p.tau_syn_ms;
  if (!p.synaptic_bias.empty()) j["synaptic_bias"] = p.synaptic_bias;
  if (is_spiking(p.type)) {  // issue #14's keys, written when they differ from the default
    if (!p.bias.empty()) j["bias"] = p.bias;
    if (p.v_leak != 0.0 || std::signbit(p.v_leak)) j["v_leak"] = p.v_leak;
    if (p.reset != ResetMode::subtract) j["reset"] = to_string(p.reset);
    if (!p.leak) j["leak"] = false;
  }
  if (p.type == PopulationType::alif) {
    j["tau_a_ms"] = p.tau_a_ms;
    j["beta"] = p.beta;
  }
  if (p.type == PopulationType::readout) {
    j["tau_out_ms"] = p.tau_out_ms;
    if (p.readout_current) j["tau_syn_ms"] = p.tau_syn_ms;
    if (!p.bias.empty()) j["bias"] = p.bias;
  }
  return j;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Writing "init" for weights that were changed since (training) would silently lose them.
void check_init_still_holds(const Network& net, size_t i) {
  const Projection& proj = net.projections[i];
  Projection drawn;
  draw_random_init(net, i, drawn);
  bool same = drawn.dense == proj.dense && drawn.weights.size() == proj.weights.size() &&
              drawn.synapses.size() == proj.synapses.size();
  for (size_t k = 0; same && k < proj.weights.size(); ++k)
    same = same_bits(drawn.weights[k], proj.weights[k]);
  for (size_t k = 0; same && k < proj.synapses.size(); ++k)
    same = drawn.synapses[k].pre == proj.synapses[k].pre &&
           drawn.synapses[k].post == proj.synapses[k].post &&
           same_bits(drawn.synapses[k].weight, proj.synapses[k].weight);
  if (!same)
    throw std::logic_error(fmt::format(
        "network_to_json: projection {} ({} -> {}) has a random_init but its weights differ from "
        "what that init draws; reset random_init after changing weights",
        i, proj.source, proj.target));
}

ordered projection_json(const Network& net, size_t i) {
  const Projection& proj = net.projections[i];
  const uint32_t n_pre = net.find(proj.source)->size;
  ordered j;
  j["source"] = proj.source;
  j["target"] = proj.target;
  j["plastic"] = proj.plastic;
  if (proj.delay_steps != 1) j["delay_steps"] = proj.delay_steps;  // issue #14; absent means 1
  if (proj.random_init) {
    check_init_still_holds(net, i);
    j["init"] = ordered{{"gain", proj.random_init->gain},
                        {"connection_probability", proj.random_init->connection_probability}};
  } else if (proj.dense) {
    ordered rows = ordered::array();
    for (size_t start = 0; start < proj.weights.size(); start += n_pre)
      rows.push_back(ordered(
          std::vector<double>(proj.weights.begin() + start, proj.weights.begin() + start + n_pre)));
    j["weights"] = std::move(rows);
  } else {
    ordered triples = ordered::array();
    for (const Synapse& s : proj.synapses) triples.push_back(ordered{s.pre, s.post, s.weight});
    j["synapses"] = std::move(triples);
  }
  return j;
}

}  // namespace

Network parse_network_json(const std::string& text, const std::string& source_name) {
  const Reader r(source_name);
  const json doc = r.parse(text);
  r.expect_object(doc, "");
  r.reject_unknown_keys(doc, "",
                        {"name", "dt_ms", "seed", "default_input", "populations", "projections"},
                        "a network");
  Network net;
  if (const json* v = Reader::optional(doc, "name")) net.name = r.string(*v, "/name");
  if (const json* v = Reader::optional(doc, "dt_ms")) net.dt_ms = r.finite_number(*v, "/dt_ms");
  if (const json* v = Reader::optional(doc, "seed"))
    net.seed = r.unsigned_integer(*v, "/seed", std::numeric_limits<uint64_t>::max());
  if (const json* v = Reader::optional(doc, "default_input"))
    net.default_input = r.string(*v, "/default_input");

  const json& pops = r.required(doc, "", "populations");
  r.expect_array(pops, "/populations", "of population objects");
  for (size_t i = 0; i < pops.size(); ++i)
    net.populations.push_back(read_population(r, pops[i], child("/populations", i)));
  // Names must be unique before projections look them up.
  validate(net, source_name);

  if (const json* projs = Reader::optional(doc, "projections")) {
    r.expect_array(*projs, "/projections", "of projection objects");
    for (size_t i = 0; i < projs->size(); ++i)
      net.projections.push_back(read_projection(r, (*projs)[i], child("/projections", i), net));
  }
  check_network_size(net, source_name);  // before random init allocates the weights
  materialise_random_init(net);
  validate(net, source_name);
  return net;
}

Network read_network_file(const std::string& path) {
  return parse_network_json(json_reader::read_text_file(path), path);
}

std::string network_to_json(const Network& network) {
  validate(network, "network " + in_quotes(network.name));
  ordered doc;
  doc["name"] = network.name;
  doc["dt_ms"] = network.dt_ms;
  doc["seed"] = network.seed;
  if (!network.default_input.empty()) doc["default_input"] = network.default_input;
  doc["populations"] = ordered::array();
  for (const Population& p : network.populations) doc["populations"].push_back(population_json(p));
  doc["projections"] = ordered::array();
  for (size_t i = 0; i < network.projections.size(); ++i)
    doc["projections"].push_back(projection_json(network, i));
  std::string out;
  emit(doc, 0, out);
  return out + '\n';
}

}  // namespace nchip::ir
