#include "hw_model/systemc/chip.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "hw_model/error.hpp"

namespace nchip::systemc {

Chip::Chip(const sc_core::sc_module_name& name, uint32_t width, uint32_t height, const SystemcParams& params)
    : sc_core::sc_module(name), width_(width), height_(height), params_(params) {
  stats_.mesh_width = width;
  stats_.mesh_height = height;
  tile_stats_.resize(size_t{width} * height);
  for (uint32_t t = 0; t < width * height; ++t)
    tiles_.push_back(std::make_unique<Tile>(("tile_" + std::to_string(t % width) + "_" +
                                             std::to_string(t / width)).c_str(),
                                            ctx_, tile_stats_[t], params.fifo_depth_packets));
  // Router-to-router links: east of (x, y) feeds the west port of (x + 1, y), and so on.
  for (uint32_t t = 0; t < width * height; ++t) {
    const uint32_t x = t % width, y = t / width;
    auto& out = tiles_[t]->router.out;
    if (x + 1 < width) out[kPortEast].dest = &tiles_[t + 1]->router.in[kPortWest];
    if (x > 0) out[kPortWest].dest = &tiles_[t - 1]->router.in[kPortEast];
    if (y > 0) out[kPortNorth].dest = &tiles_[t - width]->router.in[kPortSouth];
    if (y + 1 < height) out[kPortSouth].dest = &tiles_[t + width]->router.in[kPortNorth];
    for (int p = 0; p < kPortLocal; ++p) out[p].counts_hop = true;
  }
  host_ = std::make_unique<HostInterface>("host", ctx_, tile_stats_[0].stalls);
  engine_ = std::make_unique<NocEngine>(width, height, params.fifo_depth_packets, tile_stats_);
  fast_ = std::make_unique<FastNoc>(width, height, params.fifo_depth_packets, tile_stats_);
  requested_model_ = params.trace_tile >= 0 ? NocModel::threads : params.noc_model;
  SC_THREAD(sequencer);
}

uint32_t Chip::elaborated_tile(uint32_t image_tile) const { return tile_map_.at(image_tile); }

void Chip::load(const ChipProgram& program, const image::ChipConfig& chip,
                const std::vector<image::RouterTable>& routers,
                const model::NetworkModel<arith::FixedOps>& network, const arith::FixedOps& ops,
                ChipState& state) {
  if (program.mesh_width > width_ || program.mesh_height > height_)
    throw InputError("the SystemC model of this process was elaborated for a " + std::to_string(width_) +
                     "x" + std::to_string(height_) + " mesh; the image needs " +
                     std::to_string(program.mesh_width) + "x" + std::to_string(program.mesh_height) +
                     " (SystemC elaborates once per process: run it in a new process)");
  program_ = &program;
  chip_ = &chip;
  ctx_.hop_latency_cycles = chip.router_hop_latency_cycles;
  ctx_.flit_cycles = (params_.packet_bits + chip.router_link_width_bits - 1) / chip.router_link_width_bits;
  stats_.clock_mhz = chip.clock_mhz;
  stats_.energy_synaptic_op_pj = chip.energy_synaptic_op_pj;
  stats_.energy_neuron_update_pj = chip.energy_neuron_update_pj;
  stats_.energy_eligibility_update_pj = chip.energy_eligibility_update_pj;
  stats_.energy_weight_update_pj = chip.energy_weight_update_pj;
  stats_.energy_hop_east_west_pj = chip.energy_hop_east_west_pj;
  stats_.energy_hop_north_south_pj = chip.energy_hop_north_south_pj;
  tile_map_.assign(program.cores.size(), 0);
  std::vector<uint8_t> used(tiles_.size(), 0);
  for (uint32_t t = 0; t < program.cores.size(); ++t) {
    const uint32_t e = (t / program.mesh_width) * width_ + t % program.mesh_width;
    tile_map_[t] = e;
    used[e] = 1;
  }
  for (uint32_t e = 0; e < tiles_.size(); ++e) {
    for (int p = 0; p < kPortLocal; ++p) tiles_[e]->router.out[p].latency_cycles = chip.router_hop_latency_cycles;
    if (!used[e]) {
      tiles_[e]->router.load(nullptr);
      tiles_[e]->core.load(nullptr, &chip, &network, &ops, &state);
    }
  }
  for (uint32_t t = 0; t < program.cores.size(); ++t) {
    Tile& tile = *tiles_[tile_map_[t]];
    tile.router.load(&routers.at(t));
    tile.core.load(&program.cores[t], &chip, &network, &ops, &state);
  }
  host_->inject.dest = &tiles_[tile_map_.at(program.host_tile)]->router.in[kPortLocal];
  host_->inject.stalls = &tile_stats_[tile_map_.at(program.host_tile)].stalls;
  std::vector<NocTileBinding> bindings(tiles_.size());
  for (uint32_t t = 0; t < program.cores.size(); ++t) bindings[tile_map_[t]].table = &routers.at(t);
  for (uint32_t e = 0; e < tiles_.size(); ++e) {
    bindings[e].datapath = tiles_[e]->core.loaded_datapath();
    bindings[e].to_send = &tiles_[e]->core.pending_spikes();
  }
  engine_->load(bindings, tile_map_.at(program.host_tile), chip.router_hop_latency_cycles, ctx_.flit_cycles,
                chip.cycles_synaptic_op);
  fast_->load(bindings, tile_map_.at(program.host_tile), chip.router_hop_latency_cycles, ctx_.flit_cycles,
              chip.cycles_synaptic_op);
  n_readouts_ = network.n_readouts();
  lsu_.load(program, chip.router_hop_latency_cycles, params_.lsu_error_cycles, network.n_readouts(), &state);
  reset();
}

void Chip::reset() {
  if (ctx_.in_flight != 0 || ctx_.injectors_busy != 0)
    throw std::logic_error("SystemC chip reset while packets are in flight");
  for (auto& t : tiles_) {
    t->router.reset();
    t->core.reset();
  }
  host_->inject.reset();
  host_->pending.clear();
  engine_->reset();
  fast_->reset();
  noc_model_ = params_.trace_tile >= 0 ? NocModel::threads : requested_model_;
  // Link free times are absolute SystemC times; after a reset they are all in the past.
}

void Chip::run_step(uint64_t step, uint64_t seed, const std::vector<uint32_t>& input_keys, bool learning,
                    std::vector<uint32_t>& fired) {
  if (!program_) throw std::logic_error("SystemC chip stepped before an image was loaded");
  host_->pending = input_keys;
  req_step_ = step;
  req_seed_ = seed;
  req_learning_ = learning;
  req_fired_ = &fired;
  done_ = false;
  // The first sc_start runs the initialization phase (every thread up to its first wait); a
  // request notified before it would be lost, so start the kernel once before the first request.
  if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  request_.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start();
  if (!ctx_.error.empty()) throw std::logic_error("SystemC chip: " + ctx_.error);
  if (!done_) throw std::logic_error("SystemC chip: the step did not finish (deadlock in the NoC?)");
}

void Chip::run_weight_update(uint32_t optimizer_state_words) {
  uint64_t slowest = 0;
  for (uint32_t t = 0; t < program_->cores.size(); ++t)
    slowest = std::max(slowest, tiles_[tile_map_[t]]->core.apply_weight_updates(optimizer_state_words));
  stats_.weight_update_cycles += slowest;
  stats_.total_cycles += slowest;
}

void Chip::sequencer() {
  for (;;) {
    sc_core::wait(request_);
    if (trace_step_) {
      trace_step_->write(static_cast<uint32_t>(req_step_));
      trace_phase_->write(1);
    }
    // Spike phase: every tile's core and the host inject; it ends with the last packet integrated.
    uint64_t spike_cycles = 0;
    const uint64_t start_cycle = ctx_.now_cycles();
    if (noc_model_ == NocModel::threads) {
      spike_cycles = spike_phase_threads();
    } else {
      PlainNocModel& model = plain_model();
      spike_cycles = model.run_spike_phase(start_cycle, host_->pending, host_->packets) - start_cycle;
      if (!model.error().empty()) ctx_.fail(model.error());
      // One wait for the whole phase: the kernel's time is the chip's time.
      if (spike_cycles) sc_core::wait(spike_cycles * ctx_.cycle);
    }
    if (trace_phase_) trace_phase_->write(2);

    // Compute phase: the cores work in parallel; the slowest one sets its length.
    uint64_t slowest = 0;
    uint32_t critical = 0;
    std::vector<uint32_t>& fired = *req_fired_;
    fired.clear();
    const uint32_t n_readouts = n_readouts_;
    for (uint32_t t = 0; t < program_->cores.size(); ++t) {
      const uint64_t c = tiles_[tile_map_[t]]->core.compute(req_step_, req_seed_, req_learning_, n_readouts, fired);
      if (c > slowest) {
        slowest = c;
        critical = tile_map_[t];
      }
    }
    std::sort(fired.begin(), fired.end());
    if (req_learning_) {
      slowest += lsu_.cycles_per_step();
      stats_.lsu_cycles += lsu_.cycles_per_step();
    }
    if (slowest) sc_core::wait(slowest * ctx_.cycle);
    if (trace_phase_) trace_phase_->write(0);
    record_step(spike_cycles, slowest, critical, start_cycle);
    done_ = true;
  }
}

uint64_t Chip::spike_phase_threads() {
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  ctx_.injectors_busy = static_cast<int64_t>(tiles_.size()) + 1;
  host_->start.notify(sc_core::SC_ZERO_TIME);
  for (auto& t : tiles_) t->core.start.notify(sc_core::SC_ZERO_TIME);
  sc_core::wait(ctx_.drained);
  return static_cast<uint64_t>((sc_core::sc_time_stamp() - start) / ctx_.cycle);
}

void Chip::record_step(uint64_t spike_cycles, uint64_t compute_cycles, uint32_t critical_tile,
                       uint64_t start_cycle) {
  const uint64_t cycles = spike_cycles + compute_cycles;
  // The critical path when this step is the slowest so far: the core that integrated the last
  // packet, the link busy longest in this step (per-step busy cycles: today's minus the
  // snapshot), the core that computed longest. Ties: the lowest tile and port.
  const bool slowest = stats_.steps == 0 || cycles > stats_.max_step_cycles;
  if (link_busy_before_.size() != tile_stats_.size() * kPorts) link_busy_before_.assign(tile_stats_.size() * kPorts, 0);
  SlowestStep s;
  for (uint32_t t = 0; t < tile_stats_.size(); ++t) {
    const TileStats& ts = tile_stats_[t];
    if (spike_cycles > 0 && ts.last_receive_cycle == start_cycle + spike_cycles && s.last_core < 0) s.last_core = t;
    for (int p = 0; p < kPorts; ++p) {
      uint64_t& before = link_busy_before_[size_t{t} * kPorts + p];
      const uint64_t busy = ts.out[p].busy_cycles - before;
      before = ts.out[p].busy_cycles;
      if (slowest && busy > s.busiest_link_busy_cycles) {
        s.busiest_link_busy_cycles = busy;
        s.busiest_link_tile = t;
        s.busiest_link_port = p;
      }
    }
  }
  if (slowest) {
    s.step = stats_.steps;
    s.spike_cycles = spike_cycles;
    s.compute_cycles = compute_cycles;
    if (compute_cycles > 0) s.compute_core = critical_tile;
    stats_.slowest = s;
  }
  stats_.steps += 1;
  stats_.total_cycles += cycles;
  stats_.spike_phase_cycles += spike_cycles;
  stats_.compute_phase_cycles += compute_cycles;
  stats_.max_step_cycles = std::max(stats_.max_step_cycles, cycles);
  if (spike_cycles > compute_cycles) ++stats_.noc_bound_steps;
  else ++stats_.core_bound_steps;
  if (compute_cycles > 0) ++tile_stats_[critical_tile].critical_steps;
  size_t bucket = 0;
  while (bucket < 63 && (cycles >> (bucket + 1)) != 0) ++bucket;
  if (stats_.step_cycle_histogram.size() <= bucket) stats_.step_cycle_histogram.resize(bucket + 1, 0);
  ++stats_.step_cycle_histogram[bucket];
}

const ChipStats& Chip::stats() {
  stats_.packets = 0;
  stats_.hops = 0;
  stats_.tiles = tile_stats_;
  for (uint32_t t = 0; t < tiles_.size(); ++t) {
    TileStats& s = stats_.tiles[t];
    const bool threads = noc_model_ == NocModel::threads;
    for (int p = 0; p < kPorts; ++p)
      s.fifo_high_water[p] = threads ? tiles_[t]->router.in[p].high_water() : plain_model().fifo_high_water(t, p);
    s.core_queue_high_water = threads ? tiles_[t]->core.receive.high_water() : plain_model().core_queue_high_water(t);
    stats_.packets += s.injected;
    for (int p = 0; p < kPortLocal; ++p) stats_.hops += s.out[p].packets;
  }
  stats_.host_packets = host_->packets;
  stats_.packets += host_->packets;
  return stats_;
}

void Chip::clear_stats() {
  ChipStats fresh;
  fresh.mesh_width = stats_.mesh_width;
  fresh.mesh_height = stats_.mesh_height;
  fresh.clock_mhz = stats_.clock_mhz;
  fresh.energy_synaptic_op_pj = stats_.energy_synaptic_op_pj;
  fresh.energy_neuron_update_pj = stats_.energy_neuron_update_pj;
  fresh.energy_eligibility_update_pj = stats_.energy_eligibility_update_pj;
  fresh.energy_weight_update_pj = stats_.energy_weight_update_pj;
  fresh.energy_hop_east_west_pj = stats_.energy_hop_east_west_pj;
  fresh.energy_hop_north_south_pj = stats_.energy_hop_north_south_pj;
  stats_ = fresh;
  for (auto& t : tile_stats_) t = TileStats{};
  link_busy_before_.assign(tile_stats_.size() * kPorts, 0);
  host_->packets = 0;
  for (auto& t : tiles_) {
    for (auto& f : t->router.in) f.clear_stats();
    t->core.receive.clear_stats();
  }
  engine_->clear_stats();
  fast_->clear_stats();
}

void Chip::enable_trace(sc_core::sc_trace_file* file, uint32_t tile) {
  tiles_.at(tile)->enable_trace(file);
  trace_step_ = std::make_unique<sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>>("chip_step");
  trace_phase_ = std::make_unique<sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>>("chip_phase");
  sc_core::sc_trace(file, *trace_step_, "chip.step");
  sc_core::sc_trace(file, *trace_phase_, "chip.phase");  // 0 idle, 1 spike phase, 2 compute phase
}

}  // namespace nchip::systemc
