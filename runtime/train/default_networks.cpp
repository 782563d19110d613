#include "runtime/train/default_networks.hpp"

#include "compiler/ir/network_json.hpp"
#include "compiler/ir/random_init.hpp"
#include "hw_model/error.hpp"
#include "runtime/train/embedded_networks.hpp"

namespace nchip::runtime {

ir::Network default_training_network(const std::string& task, uint64_t seed, const std::string& preset) {
  // Task 1.1: examples/networks/pattern_generation.json (20 clock inputs, 600 LIF, 3 readouts);
  // task 1.2: examples/networks/store_recall.json (100 inputs, 10 LIF + 10 ALIF, 2 readouts);
  // evidence accumulation: examples/networks/evidence_accumulation.json (40 inputs, 50 LIF +
  // 50 ALIF, 2 readouts); NEST's sine waves (--preset nest-sine): examples/networks/sine_waves.json;
  // fashion-mnist (rows encoding): examples/networks/fashion_mnist.json (29 inputs, 60 LIF + 40 ALIF, 10 readouts).
  const char* text = task == "pattern-generation" && preset == "nest-sine" ? embedded::kSineWavesJson
                     : task == "pattern-generation"                        ? embedded::kPatternGenerationJson
                     : task == "store-recall"                              ? embedded::kStoreRecallJson
                     : task == "evidence-accumulation"                     ? embedded::kEvidenceAccumulationJson
                     : task == "fashion-mnist"                             ? embedded::kFashionMnistJson
                                                                           : nullptr;
  if (!text) throw InputError("no default network for task '" + task + "' (give one with --net)");
  ir::Network net = ir::parse_network_json(text, "examples/networks (embedded default for " + task + ")");
  // Every projection of the examples is an `init` entry: redraw them from the run's seed.
  net.seed = seed;
  ir::materialise_random_init(net);
  return net;
}

}  // namespace nchip::runtime
