// The CSV layout of a trial set (runtime/data/README.md), for data from spreadsheets and scripts:
//   spikes CSV:  header "trial,step,channel", one input event per row, any order.
//   labels CSV (classification): header "trial,label,first_step,last_step", one decision window
//                per row; trials 0..T-1 each need at least one row.
//   targets CSV (regression): header "trial,step,y0,y1,...", one row per step that has a target
//                (the others are masked out); n_outputs is the number of y columns.
// Shape (steps, inputs, outputs for labels) comes from the caller. Every problem is an
// nchip::InputError "PATH:LINE: problem".
#pragma once

#include <cstdint>
#include <string>

#include "runtime/data/trial_set.hpp"

namespace nchip::runtime {

struct CsvShape {
  uint32_t steps = 0, n_inputs = 0;
  uint32_t n_outputs = 0;  // classification only; regression counts its y columns
};

TrialSet read_trial_set_csv(const std::string& spikes_path, const std::string& labels_path,
                            const std::string& targets_path, const CsvShape& shape);

}  // namespace nchip::runtime
