#include "runtime/sweep/noc_plots.hpp"

#include <fmt/core.h>

#include <filesystem>

#include "runtime/io/atomic_file.hpp"
#include "runtime/sweep/gnuplot_script.hpp"

namespace nchip::runtime::sweep {

std::vector<std::string> plot_noc(const NocHeatMaps& m, const std::string& dir, const std::string& gnuplot) {
  namespace fs = std::filesystem;
  const std::string links = (fs::absolute(dir) / "link_utilization").string();
  const std::string cores = (fs::absolute(dir) / "core_load").string();
  std::vector<std::string> outputs;
  // Tile (x, y) sits at (x, y) with y growing downwards (north is up); a link's square sits
  // between its two tiles, offset to one side so both directions of a pair show.
  std::string data = "# x,y,utilization,x_from,y_from,port\n";
  constexpr double kSide = 0.14;
  for (const auto& l : m.links) {
    double px = l.x, py = l.y;
    switch (l.port) {
      case 0: px += 0.5; py -= kSide; break;  // east: above the midpoint
      case 1: px -= 0.5; py += kSide; break;  // west: below
      case 2: py -= 0.5; px += kSide; break;  // north: right of it
      default: py += 0.5; px -= kSide; break; // south: left of it
    }
    data += fmt::format("{:.3f},{:.3f},{:.9g},{},{},{}\n", px, py, l.utilization, l.x, l.y, l.port);
  }
  if (m.links.empty()) data += "nan,nan,nan,0,0,0\n";  // gnuplot refuses an empty file
  write_file_atomically(links + ".dat", data);
  std::string grid = "# x,y,load\n";
  for (uint32_t y = 0; y < m.height; ++y)
    for (uint32_t x = 0; x < m.width; ++x) grid += fmt::format("{},{},{:.9g}\n", x, y, m.core_load[y * m.width + x]);
  write_file_atomically(cores + ".dat", grid);

  const std::string frame =
      fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\nset size ratio -1\nset xtics 1\nset ytics 1\n"
                  "set xlabel 'x'\nset ylabel 'y'\nset palette defined (0 'white', 0.5 'orange', 1 'dark-red')\n"
                  "set cbrange [0:*]\nunset key\n",
                  m.width - 0.5, m.height - 0.5);
  std::string script = "set datafile separator ','\n";
  const double square = m.width > 8 || m.height > 8 ? 0.9 : 2.2;
  add_figure(script, links,
             fmt::format("{}set title {}\nset cblabel 'busy cycles / cycles'\n", frame,
                         gnuplot_quoted("link utilisation: " + m.title)),
             fmt::format("plot {} skip 1 using 1:2:3 with points pt 5 ps {} palette", gnuplot_quoted(links + ".dat"),
                         square),
             "set autoscale\nunset cblabel\n", outputs);
  add_figure(script, cores,
             fmt::format("{}set title {}\nset cblabel 'working cycles / cycles'\n", frame,
                         gnuplot_quoted("core load: " + m.title)),
             fmt::format("plot {} skip 1 using 1:2:3 with image", gnuplot_quoted(cores + ".dat")),
             "set autoscale\nunset cblabel\n", outputs);
  run_gnuplot(gnuplot, (fs::absolute(dir) / "noc.gp").string(), script, outputs);
  return outputs;
}

}  // namespace nchip::runtime::sweep
