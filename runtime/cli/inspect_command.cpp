// `nchip inspect`: print the compile report of a chip image (the same report `nchip compile`
// printed when it wrote the image).
#include <boost/program_options.hpp>

#include <iostream>

#include "compiler/report.hpp"
#include "hw_model/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

int inspect_command_main(const std::vector<std::string>& args) {
  po::options_description opts("usage: nchip inspect NET.nchip [options]\n\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("report", po::value<std::string>(), "also write the report as JSON to this file")
      ("json", "print the report as JSON instead of text");
  po::variables_map vm;
  if (!parse_command_line(args, opts, "image", vm)) return 0;
  if (!vm.count("image")) throw InputError("missing image file (usage: nchip inspect NET.nchip)");
  const image::ChipImage im = image::read_image_file(vm["image"].as<std::string>());
  const compiler::CompileReport report = compiler::make_report(im);
  if (vm.count("report"))
    write_file_atomically(vm["report"].as<std::string>(), compiler::report_json(report).dump(2) + "\n");
  if (vm.count("json")) std::cout << compiler::report_json(report).dump(2) << "\n";
  else std::cout << compiler::report_text(report);
  return 0;
}

}  // namespace nchip::runtime
