// `nchip inspect`: print the compile report of a chip image (the same report `nchip compile`
// printed when it wrote the image).
#include <boost/program_options.hpp>

#include <iostream>

#include "compiler/report.hpp"
#include "hw_model/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

int inspect_command_main(const std::vector<std::string>& args) {
  po::options_description opts("usage: nchip inspect NET.nchip [options]\n\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("report", po::value<std::string>(), "also write the report as JSON to this file")
      ("json", "print the report as JSON instead of text");
  po::options_description hidden;
  hidden.add_options()("image", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("image", 1);
  po::options_description all;
  all.add(opts).add(hidden);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
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
