// The elaborated chip: a mesh of tiles (router + neuron core), the host interface, the
// learning-signal unit and the timestep sequencer with its barrier. Elaborated once per process
// (SystemC allows one elaboration); load() points it at a new image and network, reset() clears
// state, so many networks and trials run in one elaboration. An image may use a smaller mesh than
// the elaborated one: its tile (x, y) is the elaborated tile (x, y).
//
// One step: (1) spike phase - every core sends last step's spikes and the host this step's input
// spikes; packets cross the mesh and are integrated; it ends when no packet is left anywhere (the
// barrier); (2) compute phase - every core updates its neurons (and, when learning, forms learning
// signals and runs the eligibility datapath); it lasts as long as the slowest core. The step's
// length is the sum, and the stats say which phase (NoC or core) dominated.
#pragma once

#include <memory>
#include <vector>

#include <systemc>

#include "hw_model/systemc/host_interface.hpp"
#include "hw_model/systemc/learning_signal_unit.hpp"
#include "hw_model/systemc/noc_engine.hpp"
#include "hw_model/systemc/noc_fast.hpp"
#include "hw_model/systemc/params.hpp"
#include "hw_model/systemc/tile.hpp"

namespace nchip::systemc {

class Chip : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Chip);
  Chip(const sc_core::sc_module_name& name, uint32_t width, uint32_t height, const SystemcParams& params);

  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }

  void load(const ChipProgram& program, const image::ChipConfig& chip,
            const std::vector<image::RouterTable>& routers,
            const model::NetworkModel<arith::FixedOps>& network, const arith::FixedOps& ops,
            ChipState& state);
  void reset();  // FIFOs are empty between steps; links and pending spikes are cleared

  // The spike phase's simulator from the next reset() (load() resets) on; --trace keeps `threads`.
  void set_noc_model(NocModel model) { requested_model_ = model; }
  NocModel noc_model() const { return noc_model_; }

  // Runs one step to its end (calls sc_start; not from inside a SystemC process). `input_keys`
  // are the keys of this step's input spikes; `fired` receives the neurons that fired, sorted.
  void run_step(uint64_t step, uint64_t seed, const std::vector<uint32_t>& input_keys, bool learning,
                std::vector<uint32_t>& fired);
  // The end-of-batch weight update (SGD on every plastic synapse, cores in parallel).
  void run_weight_update(uint32_t optimizer_state_words = 0);

  // The plasticity engine of image tile t (after load).
  PlasticityEngine& plasticity(uint32_t image_tile) { return tiles_[tile_map_.at(image_tile)]->core.plasticity; }
  LearningSignalUnit& lsu() { return lsu_; }
  uint32_t image_tiles() const { return static_cast<uint32_t>(tile_map_.size()); }

  const ChipStats& stats();  // fills the FIFO high-water marks
  void clear_stats();
  void enable_trace(sc_core::sc_trace_file* file, uint32_t tile);

 private:
  void sequencer();
  uint64_t spike_phase_threads();  // the spike phase on the SystemC threads; returns its cycles
  uint32_t elaborated_tile(uint32_t image_tile) const;
  void record_step(uint64_t spike_cycles, uint64_t compute_cycles, uint32_t critical_tile, uint64_t start_cycle);

  uint32_t width_, height_;
  SystemcParams params_;
  NocContext ctx_;
  ChipStats stats_;
  std::vector<TileStats> tile_stats_;  // modules count into these; never reallocated
  std::vector<uint64_t> link_busy_before_;  // per (tile, port): busy cycles before this step
  uint32_t n_readouts_ = 0;
  std::vector<std::unique_ptr<Tile>> tiles_;
  std::unique_ptr<HostInterface> host_;
  std::unique_ptr<NocEngine> engine_;
  std::unique_ptr<FastNoc> fast_;
  PlainNocModel& plain_model() { return noc_model_ == NocModel::fast ? static_cast<PlainNocModel&>(*fast_) : *engine_; }
  NocModel noc_model_ = NocModel::events, requested_model_ = NocModel::events;
  LearningSignalUnit lsu_;
  const ChipProgram* program_ = nullptr;
  const image::ChipConfig* chip_ = nullptr;
  std::vector<uint32_t> tile_map_;  // image tile -> elaborated tile

  // The request the sequencer serves between sc_start calls.
  sc_core::sc_event request_;
  uint64_t req_step_ = 0, req_seed_ = 0;
  bool req_learning_ = false, done_ = false;
  std::vector<uint32_t>* req_fired_ = nullptr;
  std::unique_ptr<sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>> trace_step_, trace_phase_;
};

}  // namespace nchip::systemc
