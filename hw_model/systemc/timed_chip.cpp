#include "hw_model/systemc/timed_chip.hpp"

#include <cstdlib>

#include <systemc>

#include "hw_model/error.hpp"
#include "hw_model/systemc/chip.hpp"
#include "hw_model/systemc/chip_eligibility.hpp"

// libsystemc's main() refers to sc_main; nchip has its own main(), so this never runs. Weak, so an
// executable that brings its own sc_main (the RTL co-simulation) keeps it.
extern "C" __attribute__((weak)) int sc_main(int, char*[]) { return 1; }

namespace nchip::systemc {

struct TimedChip::Impl {
  Impl(uint32_t w, uint32_t h, const SystemcParams& params) : chip("chip", w, h, params) {
    if (params.trace_tile >= 0 && !params.trace_path.empty()) {
      if (static_cast<uint32_t>(params.trace_tile) >= w * h)
        throw InputError("--trace-tile " + std::to_string(params.trace_tile) + " is not on the " +
                         std::to_string(w) + "x" + std::to_string(h) + " mesh");
      // The kernel's informational chatter ("Info: (I703) tracing timescale unit set") is not
      // nchip's output; warnings and errors still report.
      sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
      trace = sc_core::sc_create_vcd_trace_file(params.trace_path.c_str());
      trace->set_time_unit(1, sc_core::SC_NS);
      chip.enable_trace(trace, static_cast<uint32_t>(params.trace_tile));
    }
  }
  Chip chip;
  sc_core::sc_trace_file* trace = nullptr;
  ChipProgram program;
  image::ChipConfig config;
  std::vector<image::RouterTable> routers;
  const model::NetworkModel<arith::FixedOps>* network = nullptr;
  std::unique_ptr<arith::FixedOps> ops;
  ChipState state;
  ChipEligibility eligibility;
  std::vector<uint32_t> spikes, previous, input_keys;
  uint64_t step = 0, seed = 0, events_at_reset = 0;
};

namespace {
TimedChip* g_chip = nullptr;  // the process's one elaboration; lives until exit (it can't be redone)
}  // namespace

TimedChip* TimedChip::existing() { return g_chip; }

TimedChip& TimedChip::instance(uint32_t mesh_width, uint32_t mesh_height, const SystemcParams& params) {
  TimedChip*& chip = g_chip;
  if (!chip) {
    if (const std::string p = params.problem(); !p.empty()) throw InputError("SystemC parameters: " + p);
    // SystemC prints a banner on first use; it would corrupt --json output.
    setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
    chip = new TimedChip(mesh_width, mesh_height, params);
  }
  return *chip;
}

TimedChip::TimedChip(uint32_t w, uint32_t h, const SystemcParams& params)
    : impl_(std::make_unique<Impl>(w, h, params)) {}
TimedChip::~TimedChip() { close_trace(); }

void TimedChip::close_trace() {
  if (impl_->trace) {
    sc_core::sc_close_vcd_trace_file(impl_->trace);
    impl_->trace = nullptr;
  }
}

void TimedChip::load(const image::ChipImage& placement, const model::NetworkModel<arith::FixedOps>& network,
                     arith::FixedOps ops) {
  Impl& m = *impl_;
  m.program = build_program(placement, network);
  m.config = placement.chip;
  m.routers = placement.routers;
  m.network = &network;
  m.ops = std::make_unique<arith::FixedOps>(ops);
  m.state.neurons.assign(network.n_neurons(), {});
  m.state.readouts.assign(network.n_readouts(), {});
  m.state.readout_currents.assign(network.n_readouts(), {});
  m.chip.load(m.program, m.config, m.routers, network, *m.ops, m.state);
  std::vector<PlasticityEngine*> engines;
  for (uint32_t t = 0; t < m.chip.image_tiles(); ++t) engines.push_back(&m.chip.plasticity(t));
  m.eligibility.load(std::move(engines), &m.chip.lsu(), network.input_synapses.size(),
                     network.recurrent_synapses.size(), network.readout_synapses.size());
  m.chip.clear_stats();
  reset(0);
}

void TimedChip::reset(uint64_t seed) {
  Impl& m = *impl_;
  if (!m.network) throw std::logic_error("TimedChip::reset before load");
  m.chip.reset();
  m.state.neurons.assign(m.network->n_neurons(), {});
  m.state.readouts.assign(m.network->n_readouts(), {});
  m.state.readout_currents.assign(m.network->n_readouts(), {});
  m.spikes.clear();
  m.previous.clear();
  m.step = 0;
  m.seed = seed;
  m.events_at_reset = m.chip.stats().sum_synaptic_events();
}

void TimedChip::set_noc_model(NocModel model) { impl_->chip.set_noc_model(model); }

void TimedChip::step(const std::vector<uint32_t>& active_inputs, bool learning) {
  Impl& m = *impl_;
  m.input_keys.clear();
  for (uint32_t i : active_inputs) {
    if (i >= m.program.input_key.size()) throw InputError("input spike index " + std::to_string(i) + " out of range");
    if (m.program.input_sends[i]) m.input_keys.push_back(m.program.input_key[i]);
  }
  m.previous.swap(m.spikes);
  m.chip.run_step(m.step, m.seed, m.input_keys, learning, m.spikes);
  ++m.step;
}

void TimedChip::end_batch(uint32_t optimizer_state_words) { impl_->chip.run_weight_update(optimizer_state_words); }

learning::EligibilityOwner<arith::FixedOps>& TimedChip::eligibility() { return impl_->eligibility; }

uint64_t TimedChip::plastic_synapses_on(uint32_t tile) const {
  return tile < impl_->chip.image_tiles() ? impl_->chip.plasticity(tile).plastic_synapses() : 0;
}

void TimedChip::set_etu_unit(uint32_t tile, EtuUnit* unit) {
  if (tile >= impl_->chip.image_tiles())
    throw InputError("core " + std::to_string(tile) + " is not on the image's " +
                     std::to_string(impl_->program.mesh_width) + "x" + std::to_string(impl_->program.mesh_height) +
                     " mesh");
  if (unit && plastic_synapses_on(tile) == 0)
    throw InputError("core " + std::to_string(tile) + " has no plastic synapses (no eligibility-trace work to run)");
  impl_->chip.plasticity(tile).set_unit(unit);
}

uint64_t TimedChip::steps_done() const { return impl_->step; }
const std::vector<arith::SpikingState<arith::FixedOps>>& TimedChip::neurons() const { return impl_->state.neurons; }
const std::vector<arith::Num<arith::FixedOps, arith::Quantity::voltage>>& TimedChip::readouts() const {
  return impl_->state.readouts;
}
const std::vector<uint32_t>& TimedChip::spikes() const { return impl_->spikes; }
const std::vector<uint32_t>& TimedChip::previous_spikes() const { return impl_->previous; }
uint64_t TimedChip::synaptic_events() const {
  return impl_->chip.stats().sum_synaptic_events() - impl_->events_at_reset;
}
const arith::FixedOps& TimedChip::ops() const { return *impl_->ops; }
const model::NetworkModel<arith::FixedOps>& TimedChip::model() const { return *impl_->network; }
const ChipStats& TimedChip::stats() { return impl_->chip.stats(); }
void TimedChip::clear_stats() { impl_->chip.clear_stats(); }

void run_network_timed(TimedChip& chip, const image::ChipImage& placement,
                       const model::NetworkModel<arith::FixedOps>& network, arith::FixedOps ops,
                       const model::InputSpikes& inputs, uint32_t steps, uint64_t seed, bool record_voltages,
                       model::RecordingSink& sink) {
  chip.load(placement, network, ops);
  chip.reset(seed);
  sink.begin(steps, network.n_neurons(), network.n_readouts());
  // One step's values, reused: memory O(neurons) whatever the run's length.
  std::vector<double> readouts, voltages, currents;
  const std::vector<uint32_t> no_input;
  for (uint32_t t = 0; t < steps; ++t) {
    chip.step(t < inputs.size() ? inputs[t] : no_input);
    readouts.clear();
    for (const auto& y : chip.readouts()) readouts.push_back(arith::real(ops, y));
    voltages.clear();
    currents.clear();
    if (record_voltages)
      for (const auto& s : chip.neurons()) {
        voltages.push_back(arith::real(ops, s.v));
        currents.push_back(arith::real(ops, s.i));
      }
    sink.step(chip.spikes(), readouts, voltages, currents);
  }
  sink.end(chip.synaptic_events(), *ops.sat);
}

model::Recording run_network_timed(TimedChip& chip, const image::ChipImage& placement,
                                   const model::NetworkModel<arith::FixedOps>& network, arith::FixedOps ops,
                                   const model::InputSpikes& inputs, uint32_t steps, uint64_t seed,
                                   bool record_voltages) {
  model::RecordingCollector collector;
  run_network_timed(chip, placement, network, ops, inputs, steps, seed, record_voltages, collector);
  return collector.take();
}

}  // namespace nchip::systemc
