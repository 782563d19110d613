// The task flags `nchip train` and `nchip eval` share: the shape and timing of a task (--inputs,
// --outputs, --cues, ...), turned into TaskOptions (the task itself checks the combination).
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

boost::program_options::options_description task_shape_options_description();
TaskOptions task_shape_options(const boost::program_options::variables_map& vm);

}  // namespace nchip::runtime
