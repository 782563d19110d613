#include "runtime/train/default_networks.hpp"

#include "compiler/ir/random_init.hpp"
#include "hw_model/error.hpp"

namespace nchip::runtime {

namespace {

ir::Population population(const char* name, ir::PopulationType type, uint32_t size) {
  ir::Population p;
  p.name = name;
  p.type = type;
  p.size = size;
  return p;
}

ir::Projection random_projection(const char* source, const char* target) {
  ir::Projection p;
  p.source = source;
  p.target = target;
  p.random_init = ir::RandomInit{1.0, 1.0};  // N(0, 1/fan_in), all to all (Bellec et al. 2018)
  return p;
}

}  // namespace

ir::Network default_training_network(const std::string& task, uint64_t seed) {
  ir::Network net;
  net.seed = seed;
  net.dt_ms = 1.0;
  if (task == "pattern-generation") {
    // Task 1.1: 20 clock inputs, 600 LIF (tau_m 20 ms, v_th 0.61, refractory 5 ms), 3 readouts
    // (tau_out 20 ms).
    net.name = "pattern_generation";
    net.default_input = "pattern-generation";
    net.populations.push_back(population("in", ir::PopulationType::input, 20));
    auto rec = population("rec", ir::PopulationType::lif, 600);
    rec.tau_m_ms = 20;
    rec.v_th = 0.61;
    rec.t_ref_ms = 5;
    net.populations.push_back(rec);
    auto out = population("out", ir::PopulationType::readout, 3);
    out.tau_out_ms = 20;
    net.populations.push_back(out);
    net.projections = {random_projection("in", "rec"), random_projection("rec", "rec"),
                       random_projection("rec", "out")};
  } else if (task == "store-recall") {
    // Task 1.2: 4 x 25 inputs, 10 LIF + 10 ALIF (tau_m 20 ms, v_th 0.5, beta 0.03, tau_a 1200 ms,
    // refractory 5 ms), 2 readouts.
    net.name = "store_recall";
    net.default_input = "store-recall";
    net.populations.push_back(population("in", ir::PopulationType::input, 100));
    auto lif = population("lif", ir::PopulationType::lif, 10);
    lif.tau_m_ms = 20;
    lif.v_th = 0.5;
    lif.t_ref_ms = 5;
    net.populations.push_back(lif);
    auto alif = population("alif", ir::PopulationType::alif, 10);
    alif.tau_m_ms = 20;
    alif.v_th = 0.5;
    alif.t_ref_ms = 5;
    alif.tau_a_ms = 1200;
    alif.beta = 0.03;
    net.populations.push_back(alif);
    auto out = population("out", ir::PopulationType::readout, 2);
    out.tau_out_ms = 20;
    net.populations.push_back(out);
    for (const char* src : {"in", "lif", "alif"})
      for (const char* dst : {"lif", "alif"}) net.projections.push_back(random_projection(src, dst));
    net.projections.push_back(random_projection("lif", "out"));
    net.projections.push_back(random_projection("alif", "out"));
  } else {
    throw InputError("no default network for task '" + task + "' (give one with --net)");
  }
  ir::materialise_random_init(net);
  return net;
}

}  // namespace nchip::runtime
