#include "compiler/lower.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "hw_model/arith/ops.hpp"
#include "hw_model/arith/real_to_int.hpp"
#include "compiler/drain_queue.hpp"
#include "compiler/page_memory.hpp"
#include "compiler/parallel_chunks.hpp"
#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

using arith::Quantity;
using model::PopulationRole;

PopulationRole role_of(ir::PopulationType type) {
  switch (type) {
    case ir::PopulationType::input: return PopulationRole::input;
    case ir::PopulationType::readout: return PopulationRole::readout;
    default: return PopulationRole::spiking;
  }
}

// The float reference keeps real weights: no exponent.
int choose_exponent(const arith::FloatOps&, double) { return 0; }

// Smallest exponent e with max_abs * 2^headroom <= max_real(weight) * 2^e, so the projection uses
// the format's range without overflow (and leaves headroom for learning).
int choose_exponent(const arith::FixedOps& ops, double max_abs) {
  const arith::QuantConfig& q = *ops.q;
  if (!q.weight_exponents || max_abs == 0.0) return 0;
  // In the log domain: max_abs * 2^headroom overflows to inf for weights near DBL_MAX.
  const double needed_log2 =
      std::log2(max_abs) + q.weight_headroom_bits - std::log2(q[Quantity::weight].max_real());
  return arith::saturating_cast(std::ceil(needed_log2), arith::kWeightExponentMin, arith::kWeightExponentMax);
}

// One projection's share of a synapse matrix: its IR, where its source and target populations
// sit in the matrix's index spaces, and its weight exponent.
struct ProjectionPart {
  uint32_t index;  // in ir::Network::projections
  const ir::Projection* proj;
  uint32_t src_first, src_size, dst_first, dst_size;
  int exponent;
  bool self;  // a population to itself: no synapse i -> i (eq. 20 sums over i != j)
  // The caller's projection whose sparse list the lowering may release once read (lower_releasing),
  // else nullptr.
  ir::Projection* releasable = nullptr;
};

// A sparse synapse on its way from the input network's list, read in list order, to its slot k of
// the matrix: an entry of the transpose's buckets. 20 bytes (the weight in two halves keeps the
// struct 4-byte aligned, with no padding).
struct ScatteredSynapse {
  uint32_t k, post, position;
  uint32_t weight_bits[2];
  static ScatteredSynapse of(uint32_t k, uint32_t post, uint32_t position, double weight) {
    ScatteredSynapse s{k, post, position, {0, 0}};
    std::memcpy(s.weight_bits, &weight, sizeof weight);
    return s;
  }
  double weight() const {
    double w;
    std::memcpy(&w, weight_bits, sizeof w);
    return w;
  }
};
static_assert(sizeof(ScatteredSynapse) == 20);

// The transpose's blocks: 2^16 slots, whose 18 bytes a slot (1.2 MB) and scratch stay in a core's
// cache while they are written; an error chunk (weight_error.hpp) is a whole number of blocks.
constexpr size_t kSlotsPerBlock = size_t{1} << 16;
static_assert(kSynapsesPerErrorChunk % kSlotsPerBlock == 0);

// The input list is released in steps of this many bytes behind the transpose's reading (a
// system call per step).
constexpr size_t kReleaseStepBytes = size_t{1} << 21;

// A copy of the ops a chunk may use on its own thread: FixedOps counts saturations through a
// pointer, so each chunk counts into its own SaturationCounts, added to the caller's afterwards
// (a sum, so the total does not depend on the chunking).
arith::FloatOps chunk_ops(const arith::FloatOps& ops, arith::SaturationCounts&) { return ops; }
arith::FixedOps chunk_ops(const arith::FixedOps& ops, arith::SaturationCounts& counts) {
  arith::FixedOps copy = ops;
  copy.sat = &counts;
  return copy;
}
void add_counts(const arith::FloatOps&, const arith::SaturationCounts&) {}
void add_counts(const arith::FixedOps& ops, const arith::SaturationCounts& counts) { *ops.sat += counts; }

// Fewer synapses than this per chunk are not worth a thread.
constexpr size_t kMinSynapsesPerChunk = size_t{1} << 16;
// The scattered reads and writes of a synapse are requested this many synapses ahead, so dozens of
// cache misses are in flight at once instead of one (a hint: it changes no result).
constexpr uint32_t kPrefetchAhead = 16;

// The weight format's limits for the out-of-range check (a scaled weight beyond them saturates by
// more than half an LSB) and its LSB at each exponent; FloatOps has none (nothing is measured).
struct WeightRange {
  double upper = 0.0, lower = 0.0;
  int frac = 0;
  // ldexp(1, e - frac): a raw weight times it is its real value (exact: a power of two).
  double raw_scale(int exponent) const { return std::ldexp(1.0, exponent - frac); }
};
WeightRange weight_range(const arith::FloatOps&) { return {}; }
WeightRange weight_range(const arith::FixedOps& ops) {
  const arith::Format& wf = (*ops.q)[Quantity::weight];
  return {wf.max_real() + wf.lsb() / 2, wf.min_real() - wf.lsb() / 2, wf.frac};
}

// Builds compressed rows by source. Each synapse is written into its row (a counting sort by
// source): rows are filled in projection order, a dense projection's by post, a sparse
// one's in list order. That is the order a stable sort of all synapses by (source, target) would
// leave them in whenever each row's targets come out ascending, which is the usual case (the
// reader keeps sparse synapses sorted by (post, pre)); a row that does not is stable-sorted by
// target, so the layout (and hence every result) is that of the stable sort, deterministic.
// Threads: a sparse projection's list is cut into contiguous chunks; each chunk counts its
// synapses per row, and a chunk's cursor in a row starts after the earlier chunks' synapses of
// that row, so every synapse gets the slot the one-thread scatter gives it, for any chunking. A dense
// projection's rows are cut into ranges of sources, which write disjoint rows.
//
// A sparse projection is transposed in two passes (issue #16): the list is read in its own order
// and each synapse, with its slot, appended to the bucket of the block of 2^16 slots it goes to
// (one bucket per list chunk and block: sequential writes); then each block drains its buckets into
// its slots (scattered writes, but within one block: cache-sized) and sums, in slot order, what
// quantization cost (weight_error.hpp: one worker drains an error chunk's blocks in order). Nothing
// is read at random from the list, whose pages (with a releasable projection) go back to the system
// as they are read, as the buckets' do as they drain; the matrix's memory grows as blocks are written.
//
// With `errors` (FixedOps only), a sparse projection's fill also sums its quantization error and
// notes its first weight out of range (weight_error.hpp), recorded as matrix number `matrix`.
template <class Ops>
model::SynapseMatrix<Ops> build_matrix(uint32_t n_sources, uint32_t n_targets,
                                       const std::vector<ProjectionPart>& parts,
                                       const std::vector<uint8_t>& plastic_by_projection,
                                       const Ops& ops, unsigned threads, LoweringErrors* errors, int matrix) {
  const WeightRange range = weight_range(ops);
  model::SynapseMatrix<Ops> m;
  m.n_sources = n_sources;
  m.n_targets = n_targets;
  m.row_start.assign(n_sources + 1, 0);
  for (const ProjectionPart& part : parts) {
    if (part.proj->dense) {
      // A self projection skips one synapse (the diagonal) in each row.
      const uint32_t per_row = part.dst_size - (part.self ? 1 : 0);
      for (uint32_t pre = 0; pre < part.src_size; ++pre) m.row_start[part.src_first + pre + 1] += per_row;
    } else {
      for (const auto& s : part.proj->synapses)
        if (!(part.self && s.pre == s.post)) ++m.row_start[part.src_first + s.pre + 1];
    }
  }
  for (uint32_t s = 0; s < n_sources; ++s) m.row_start[s + 1] += m.row_start[s];
  const size_t n = m.row_start[n_sources];
  assign_zeros_unresident(m.target, n);
  assign_zeros_unresident(m.weight, n);
  assign_zeros_unresident(m.exponent, n);
  assign_zeros_unresident(m.plastic, n);
  assign_zeros_unresident(m.origin, n);
  const size_t max_chunks = resolve_threads(threads);
  std::vector<arith::SaturationCounts> counts(max_chunks);
  std::vector<uint32_t> cursor(m.row_start.begin(), m.row_start.end() - 1);
  std::vector<std::vector<uint32_t>> chunk_cursor(max_chunks);
  for (const ProjectionPart& part : parts) {
    const ir::Projection& proj = *part.proj;
    // ldexp(w, -e) is w * 2^-e rounded once; so is the product with the exact power of two.
    const double scale = std::ldexp(1.0, -part.exponent);
    const double raw_scale = range.raw_scale(part.exponent);
    const int8_t exponent = static_cast<int8_t>(part.exponent);
    const uint8_t plastic = plastic_by_projection[part.index];
    const auto put = [&](const Ops& chunk, uint32_t k, uint32_t post, double w, uint32_t position) {
      m.target[k] = part.dst_first + post;
      m.weight[k] = arith::from_real<Quantity::weight>(chunk, w * scale);
      m.exponent[k] = exponent;
      m.plastic[k] = plastic;
      m.origin[k] = {part.index, position};
    };
    if (proj.dense) {
      const size_t synapses = size_t{part.src_size} * part.dst_size;
      const size_t chunks = std::clamp<size_t>(synapses / kMinSynapsesPerChunk, 1, std::min<size_t>(max_chunks, part.src_size));
      parallel_chunks(chunks, threads, [&](size_t c) {
        const Ops chunk = chunk_ops(ops, counts[c]);
        const auto pre_end = static_cast<uint32_t>(chunk_begin(part.src_size, chunks, c + 1));
        for (auto pre = static_cast<uint32_t>(chunk_begin(part.src_size, chunks, c)); pre < pre_end; ++pre) {
          uint32_t& k = cursor[part.src_first + pre];
          for (uint32_t post = 0; post < part.dst_size; ++post) {
            if (part.self && pre == post) continue;
            const uint32_t position = post * part.src_size + pre;
            put(chunk, k++, post, proj.weights[position], position);
          }
        }
      });
      continue;
    }
    const auto& list = proj.synapses;
    const size_t chunks = std::clamp<size_t>(list.size() / kMinSynapsesPerChunk, 1, max_chunks);
    parallel_chunks(chunks, threads, [&](size_t c) {
      std::vector<uint32_t>& row_count = chunk_cursor[c];
      row_count.assign(part.src_size, 0);
      for (size_t i = chunk_begin(list.size(), chunks, c), end = chunk_begin(list.size(), chunks, c + 1); i < end; ++i)
        if (!(part.self && list[i].pre == list[i].post)) ++row_count[list[i].pre];
    });
    counts_to_chunk_cursors(chunk_cursor, chunks, part.src_size,
                            [&](size_t pre) -> uint32_t& { return cursor[part.src_first + pre]; });
    const uint32_t k_begin = m.row_start[part.src_first], k_end = m.row_start[part.src_first + part.src_size];
    if (k_begin == k_end) {
      if (part.releasable) std::vector<ir::Synapse>().swap(part.releasable->synapses);
      continue;
    }
    // Blocks of slots inside the error chunks (weight_error.hpp), so the blocks of a chunk, drained in
    // order, also sum what quantization cost its synapses in the order the quantize pass defines.
    const size_t first_block = k_begin / kSlotsPerBlock;
    const size_t blocks = (k_end - 1) / kSlotsPerBlock - first_block + 1;
    const size_t first_chunk = k_begin / kSynapsesPerErrorChunk;
    const size_t error_chunks = (k_end - 1) / kSynapsesPerErrorChunk - first_chunk + 1;
    std::vector<DrainQueue<ScatteredSynapse>> buckets(chunks * blocks);
    parallel_chunks(chunks, threads, [&](size_t c) {
      std::vector<uint32_t>& at = chunk_cursor[c];
      DrainQueue<ScatteredSynapse>* bucket = buckets.data() + c * blocks;
      const auto begin = static_cast<uint32_t>(chunk_begin(list.size(), chunks, c));
      const auto end = static_cast<uint32_t>(chunk_begin(list.size(), chunks, c + 1));
      const char* released = reinterpret_cast<const char*>(list.data() + begin);
      for (uint32_t i = begin; i < end; ++i) {
        const auto& s = list[i];
        if (i + kPrefetchAhead < end) __builtin_prefetch(&at[list[i + kPrefetchAhead].pre], 1);
        if (!(part.self && s.pre == s.post)) {
          const uint32_t k = at[s.pre]++;
          bucket[k / kSlotsPerBlock - first_block].push(ScatteredSynapse::of(k, s.post, i, s.weight));
        }
        const char* read = reinterpret_cast<const char*>(list.data() + i + 1);
        if (part.releasable && static_cast<size_t>(read - released) >= kReleaseStepBytes)
          released = release_pages_between(released, read);
      }
    });
    std::vector<arith::SaturationCounts> fill_counts(error_chunks);
    std::vector<WeightError> chunk_error(errors ? error_chunks : 0);
    std::vector<std::pair<size_t, double>> chunk_out_of_range(error_chunks, {kNoSynapse, 0.0});  // slot, weight
    // Worker t drains error chunks t, t + workers, ... with one pair of scratch arrays; which worker
    // drains a chunk changes no value.
    const size_t workers = std::min(error_chunks, max_chunks);
    constexpr size_t kBlocksPerErrorChunk = kSynapsesPerErrorChunk / kSlotsPerBlock;
    parallel_chunks(workers, threads, [&](size_t t) {
      // This projection's float weights by slot, for the error sums in slot order; `mine` tells its
      // slots from other projections' in the same rows.
      const size_t scratch = errors ? kSlotsPerBlock : 0;
      std::vector<double> weight_at(scratch);
      std::vector<uint8_t> mine(scratch);
      for (size_t e = t; e < error_chunks; e += workers) {
        const Ops chunk = chunk_ops(ops, fill_counts[e]);
        const size_t block_end = std::min(first_block + blocks, (first_chunk + e + 1) * kBlocksPerErrorChunk);
        for (size_t block = std::max(first_block, (first_chunk + e) * kBlocksPerErrorChunk); block < block_end; ++block) {
          const size_t begin = std::max<size_t>(k_begin, block * kSlotsPerBlock);
          const size_t end = std::min<size_t>(k_end, (block + 1) * kSlotsPerBlock);
          if (errors) std::fill(mine.begin(), mine.end(), uint8_t{0});
          for (size_t c = 0; c < chunks; ++c)
            buckets[c * blocks + block - first_block].drain([&](const ScatteredSynapse& s) {
              const double w = s.weight();
              put(chunk, s.k, s.post, w, s.position);
              if (errors) {
                weight_at[s.k - begin] = w;
                mine[s.k - begin] = 1;
              }
            });
          if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
            if (!errors) continue;
            for (size_t k = begin; k < end; ++k) {
              if (!mine[k - begin]) continue;
              const double w = weight_at[k - begin], scaled = w * scale;
              if ((scaled > range.upper || scaled < range.lower) && chunk_out_of_range[e].first == kNoSynapse)
                chunk_out_of_range[e] = {k, w};
              chunk_error[e].add(w, static_cast<double>(m.weight[k].raw) * raw_scale, part.exponent);
            }
          }
        }
      }
    });
    if (part.releasable) std::vector<ir::Synapse>().swap(part.releasable->synapses);
    for (const auto& c : fill_counts) counts[0] += c;
    if (errors) {
      for (const WeightError& e : chunk_error) errors->per_projection[part.index].merge(e);
      for (const auto& [k, w] : chunk_out_of_range)
        if (k < errors->first_out_of_range[matrix]) {
          errors->first_out_of_range[matrix] = k;
          errors->first_out_of_range_weight[matrix] = w;
        }
    }
  }
  chunk_cursor.clear();
  for (const auto& c : counts) add_counts(ops, c);
  // Rows whose targets are not ascending (projections listed out of target order) get the
  // stable sort by target. Rows are independent, so ranges of them run on separate threads.
  const size_t sort_chunks = std::clamp<size_t>(n / kMinSynapsesPerChunk, 1, std::min<size_t>(max_chunks, std::max(n_sources, 1u)));
  std::vector<uint8_t> sorted_a_row(sort_chunks, 0);
  parallel_chunks(sort_chunks, threads, [&](size_t c) {
    std::vector<uint32_t> order;
    const auto s_end = static_cast<uint32_t>(chunk_begin(n_sources, sort_chunks, c + 1));
    for (auto s = static_cast<uint32_t>(chunk_begin(n_sources, sort_chunks, c)); s < s_end; ++s) {
      const uint32_t begin = m.row_start[s], end = m.row_start[s + 1];
      if (std::is_sorted(m.target.begin() + begin, m.target.begin() + end)) continue;
      sorted_a_row[c] = 1;
      order.resize(end - begin);
      for (uint32_t k = 0; k < order.size(); ++k) order[k] = begin + k;
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return m.target[a] < m.target[b]; });
      auto permute = [&](auto& v) {
        std::vector<typename std::decay_t<decltype(v)>::value_type> row;
        row.reserve(order.size());
        for (uint32_t k : order) row.push_back(v[k]);
        std::copy(row.begin(), row.end(), v.begin() + begin);
      };
      permute(m.target);
      permute(m.weight);
      permute(m.exponent);
      permute(m.plastic);
      permute(m.origin);
    }
  });
  const bool resorted = std::find(sorted_a_row.begin(), sorted_a_row.end(), 1) != sorted_a_row.end();
  for (const ProjectionPart& part : parts)
    if (resorted && part.releasable)  // rows_come_out_sorted promised otherwise
      throw std::logic_error("lower: rows re-sorted after their projections' synapse lists were released");
  if (errors) {
    // Synapses moved after the fill summed them: the quantize pass sums this matrix again in its
    // final order (and finds its first weight out of range there).
    errors->measured[matrix] = !resorted;
    if (!errors->measured[matrix]) {
      errors->first_out_of_range[matrix] = kNoSynapse;
      for (const ProjectionPart& part : parts) errors->per_projection[part.index] = WeightError{};
    }
  }
  return m;
}

// Each synapse gets its projection's delay (issue #14); a matrix whose projections all have the
// plain 1-step delay keeps delay_steps empty, so such networks lower exactly as before.
template <class Ops>
void set_delays(const ir::Network& network, model::SynapseMatrix<Ops>& m) {
  bool any = false;
  for (const auto& p : network.projections) any = any || p.delay_steps != 1;
  if (!any) return;  // the usual case: no pass over the synapses
  any = false;
  for (const auto& o : m.origin) any = any || network.projections[o.projection].delay_steps != 1;
  if (!any) return;
  m.delay_steps.resize(m.size());
  for (size_t k = 0; k < m.size(); ++k)
    m.delay_steps[k] = static_cast<uint8_t>(network.projections[m.origin[k].projection].delay_steps);
}

}  // namespace

uint16_t refractory_steps(const ir::Population& population, double dt_ms) {
  const double steps = population.t_ref_ms / dt_ms;
  if (const auto counter = arith::checked_round<uint16_t>(steps, 0, 65535)) return *counter;
  throw InputError(fmt::format("population '{}': t_ref_ms = {} is {} steps; the refractory counter holds 0 to 65535",
                               population.name, population.t_ref_ms, std::round(steps)));
}

namespace {

// Whether every row of a matrix built from `parts` comes out with its targets ascending, so the
// lowering never re-sorts it and the quantize pass never reads its sparse lists again (they may be
// released): each sparse list sorted by target (`sorted_by_post`; dense rows always are), and
// projections that share sources listed in the order of their target ranges.
bool rows_come_out_sorted(const std::vector<ProjectionPart>& parts, const std::vector<uint8_t>& sorted_by_post) {
  for (size_t p = 0; p < parts.size(); ++p) {
    if (!parts[p].proj->dense && !sorted_by_post[parts[p].index]) return false;
    for (size_t q = p + 1; q < parts.size(); ++q) {
      const bool share_sources = parts[p].src_first < parts[q].src_first + parts[q].src_size &&
                                 parts[q].src_first < parts[p].src_first + parts[p].src_size;
      if (share_sources && parts[p].dst_first + parts[p].dst_size > parts[q].dst_first) return false;
    }
  }
  return true;
}

// lower() and lower_releasing(): `owned` is the network itself when its sparse lists may be
// released, else nullptr.
template <class Ops>
model::NetworkModel<Ops> lower_network(const ir::Network& network, ir::Network* owned, const Ops& ops, unsigned threads,
                                       LoweringErrors* errors) {
  if constexpr (!std::is_same_v<Ops, arith::FixedOps>) errors = nullptr;  // the float reference has no error
  if (errors) *errors = LoweringErrors{std::vector<WeightError>(network.projections.size())};
  model::NetworkModel<Ops> out;
  out.name = network.name;
  out.seed = network.seed;
  const double dt = network.dt_ms;

  std::vector<model::PopulationSpan> spans;
  uint32_t counts[3] = {0, 0, 0};
  for (const auto& pop : network.populations) {
    model::PopulationSpan span;
    span.name = pop.name;
    span.role = role_of(pop.type);
    span.adaptive = pop.type == ir::PopulationType::alif;
    span.first = counts[static_cast<int>(span.role)];
    span.size = pop.size;
    counts[static_cast<int>(span.role)] += pop.size;
    spans.push_back(span);

    if (span.role == PopulationRole::spiking) {
      arith::SpikingParams<Ops> p;
      const double alpha = pop.leak ? std::exp(-dt / pop.tau_m_ms) : 1.0;
      p.leaky = pop.leak;
      p.reset_to_zero = pop.reset == ir::ResetMode::zero;
      if (pop.leak) p.alpha = arith::from_real<Quantity::decay>(ops, alpha);
      p.v_th = arith::from_real<Quantity::voltage>(ops, pop.v_th);
      p.inv_v_th = arith::from_real<Quantity::gain>(ops, 1.0 / pop.v_th);
      p.gamma = arith::from_real<Quantity::pseudo_derivative>(ops, kPseudoDerivativeGamma);
      p.refractory_steps = refractory_steps(pop, dt);
      p.adaptive = span.adaptive;
      if (p.adaptive) {
        p.rho = arith::from_real<Quantity::decay>(ops, std::exp(-dt / pop.tau_a_ms));
        p.beta = arith::from_real<Quantity::voltage>(ops, pop.beta);
      }
      if (pop.type == ir::PopulationType::cuba_lif) {
        p.current_based = true;
        p.alpha_syn = arith::from_real<Quantity::decay>(ops, std::exp(-dt / pop.tau_syn_ms));
      }
      for (uint32_t k = 0; k < pop.size; ++k) {
        // tau dv/dt = v_leak - v over one step adds (1 - alpha) v_leak: part of the bias.
        p.bias = arith::from_real<Quantity::voltage>(
            ops, (pop.bias.empty() ? 0.0 : pop.bias[k]) + (1.0 - alpha) * pop.v_leak);
        p.synaptic_bias = arith::from_real<Quantity::synaptic_current>(
            ops, pop.synaptic_bias.empty() ? 0.0 : pop.synaptic_bias[k]);
        out.neurons.push_back(p);
      }
    } else if (span.role == PopulationRole::readout) {
      for (uint32_t k = 0; k < pop.size; ++k) {
        arith::ReadoutParams<Ops> p;
        p.kappa = arith::from_real<Quantity::decay>(ops, std::exp(-dt / pop.tau_out_ms));
        p.bias = arith::from_real<Quantity::voltage>(ops, pop.bias.empty() ? 0.0 : pop.bias[k]);
        if (pop.readout_current) {  // NIR CubaLI (issue #14)
          p.current_based = true;
          p.alpha_syn = arith::from_real<Quantity::decay>(ops, std::exp(-dt / pop.tau_syn_ms));
          p.synaptic_bias = arith::from_real<Quantity::synaptic_current>(
              ops, pop.synaptic_bias.empty() ? 0.0 : pop.synaptic_bias[k]);
        }
        out.readouts.push_back(p);
      }
    }
  }
  out.n_inputs = counts[static_cast<int>(PopulationRole::input)];
  out.populations = spans;

  auto span_of = [&](const std::string& name) -> const model::PopulationSpan& {
    for (const auto& s : spans)
      if (s.name == name) return s;
    throw std::logic_error("lower: unknown population '" + name + "' (the reader validates this)");
  };

  std::vector<ProjectionPart> input_parts, recurrent_parts, readout_parts;
  std::vector<uint8_t> plastic, sorted_by_post(network.projections.size(), 1);
  for (uint32_t p = 0; p < network.projections.size(); ++p) {
    const auto& proj = network.projections[p];
    plastic.push_back(proj.plastic ? 1 : 0);
    const auto& src = span_of(proj.source);
    const auto& dst = span_of(proj.target);
    auto& parts = src.role == PopulationRole::input      ? input_parts
                  : dst.role == PopulationRole::readout ? readout_parts
                                                        : recurrent_parts;
    double max_abs = 0.0;
    for (double w : proj.weights) max_abs = std::max(max_abs, std::fabs(w));
    uint32_t last_post = 0;
    for (const auto& syn : proj.synapses) {
      max_abs = std::max(max_abs, std::fabs(syn.weight));
      if (syn.post < last_post) sorted_by_post[p] = 0;
      last_post = syn.post;
    }
    // No self-connections: eq. 20 sums over i != j (the reader rejects a non-zero diagonal).
    parts.push_back({p, &proj, src.first, src.size, dst.first, dst.size, choose_exponent(ops, max_abs),
                     proj.source == proj.target});
  }
  if (owned)
    for (auto* parts : {&input_parts, &recurrent_parts, &readout_parts})
      if (rows_come_out_sorted(*parts, sorted_by_post))
        for (ProjectionPart& part : *parts)
          if (!part.proj->dense) part.releasable = &owned->projections[part.index];
  const uint32_t n_neurons = out.n_neurons();
  out.input_synapses = build_matrix(out.n_inputs, n_neurons, input_parts, plastic, ops, threads, errors, 0);
  out.recurrent_synapses = build_matrix(n_neurons, n_neurons, recurrent_parts, plastic, ops, threads, errors, 1);
  out.readout_synapses = build_matrix(n_neurons, out.n_readouts(), readout_parts, plastic, ops, threads, errors, 2);
  set_delays(network, out.input_synapses);
  set_delays(network, out.recurrent_synapses);
  set_delays(network, out.readout_synapses);
  return out;
}

}  // namespace

template <class Ops>
model::NetworkModel<Ops> lower(const ir::Network& network, const Ops& ops, unsigned threads, LoweringErrors* errors) {
  return lower_network(network, nullptr, ops, threads, errors);
}

template <class Ops>
model::NetworkModel<Ops> lower_releasing(ir::Network& network, const Ops& ops, unsigned threads, LoweringErrors* errors) {
  return lower_network(network, &network, ops, threads, errors);
}

template model::NetworkModel<arith::FloatOps> lower(const ir::Network&, const arith::FloatOps&, unsigned, LoweringErrors*);
template model::NetworkModel<arith::FixedOps> lower(const ir::Network&, const arith::FixedOps&, unsigned, LoweringErrors*);
template model::NetworkModel<arith::FixedOps> lower_releasing(ir::Network&, const arith::FixedOps&, unsigned, LoweringErrors*);

}  // namespace nchip::compiler
