// --algorithm bptt's learner on the store-recall task (softmax cross-entropy, error only during
// recall): the output-weight gradient equals the finite difference of the trial's loss as the
// trainer scores it. Output weights move the readouts without touching a spike, so the loss is
// differentiable in them and the check is exact up to O(eps^2); it ties the classification error
// pi - pi*, the readout filter kappa and the loss of trial_score.cpp together. (Input and
// recurrent gradients go through the pseudo-derivative and are checked against e-prop with the
// exact learning signal in tests/functional/test_eprop_bptt.cpp.)
#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/lower.hpp"
#include "runtime/tasks/task.hpp"
#include "runtime/train/bptt_learner.hpp"
#include "runtime/train/default_networks.hpp"
#include "runtime/train/trial_score.hpp"
#include "runtime/train/train_options.hpp"

using namespace nchip;

namespace {

double trial_loss(const model::NetworkModel<arith::FloatOps>& model, const runtime::Trial& trial,
                  runtime::BpttLearner* learner) {
  functional::Simulator<arith::FloatOps> sim(model, arith::FloatOps{}, 7);
  runtime::TrialScorer scorer(trial);
  if (learner) learner->begin_trial();
  for (uint32_t t = 0; t < trial.steps; ++t) {
    if (learner) learner->tape().record_before(sim);
    sim.step(trial.input_spikes[t]);
    if (learner) learner->tape().record_after(sim, trial.input_spikes[t]);
    scorer.add_step(t, sim.readouts());
  }
  if (learner) learner->end_trial(trial);
  return scorer.finish().loss;
}

}  // namespace

TEST_CASE("BPTT output-weight gradients of the store-recall cross entropy match finite differences") {
  runtime::TrainOptions o;
  runtime::apply_task_defaults("store-recall", o);
  learning::EpropConfig config = o.eprop;
  config.error = learning::ErrorKind::classification;
  auto model = compiler::lower(runtime::default_training_network("store-recall", 3), arith::FloatOps{});
  const auto task = runtime::make_task("store-recall");
  const runtime::Trial trial = task->make_trial(3, 0);

  runtime::BpttLearner learner(model, config);
  const double loss = trial_loss(model, trial, &learner);
  REQUIRE(loss > 0);
  auto& w = model.readout_synapses.weight;
  double largest = 0;
  for (size_t s = 0; s < w.size(); ++s) largest = std::fmax(largest, std::fabs(learner.gradient(learning::SynapseSet::readout, s)));
  REQUIRE(largest > 1e-3);  // recall periods happened and the readouts see spikes

  constexpr double kEps = 1e-5;
  for (size_t s = 0; s < w.size(); ++s) {
    const double w0 = w[s];
    w[s] = w0 + kEps;
    const double up = trial_loss(model, trial, nullptr);
    w[s] = w0 - kEps;
    const double down = trial_loss(model, trial, nullptr);
    w[s] = w0;
    const double numeric = (up - down) / (2 * kEps);
    const double bptt = learner.gradient(learning::SynapseSet::readout, s);
    INFO("synapse " << s << ": BPTT " << bptt << ", finite difference " << numeric);
    CHECK(std::fabs(bptt - numeric) < 1e-6 * largest + 1e-9);
  }
}
