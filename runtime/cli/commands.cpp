#include "runtime/cli/command.hpp"

namespace nchip::runtime {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"run", "simulate a network (float reference or fixed-point chip arithmetic)", run_command_main},
      {"train", "train a task with on-chip e-prop (float reference or fixed-point chip)", train_command_main},
      {"cosim", "co-simulate the RTL eligibility-trace unit against the C++ model", cosim_command_main},
      {"compile", "map a network onto a chip and write its chip image and report", compile_command_main},
      {"inspect", "print the compile report of a chip image", inspect_command_main},
      {"import", "convert a NIR graph (snnTorch, Norse, Rockpool, ...) into an nchip network JSON", import_command_main},
      {"export", "write an nchip network (JSON or chip image) as a NIR graph", export_command_main},
      {"validate", "check a network file without compiling it", validate_command_main},
      {"eval", "score a (trained) network on fresh trials of a task: NMSE or recall error rate", eval_command_main},
      {"sweep", "train over a grid of settings (bits, rounding, lr, seeds...) in parallel; tables and plots",
       sweep_command_main},
      {"data", "write (convert) or check (info) a trial-set file for nchip train --data", data_command_main},
      {"plot", "draw the learning curve of a nchip train output directory (gnuplot)", plot_command_main},
  };
  return list;
}

}  // namespace nchip::runtime
