#include "runtime/sweep/gnuplot_script.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/sweep/child_process.hpp"

namespace nchip::runtime::sweep {

namespace fs = std::filesystem;

namespace {
// The same size and font in both formats; noenhanced: axis names such as weight_width print as written.
const char* kPngTerminal = "set terminal pngcairo size 1000,650 noenhanced font 'sans,10'\n";
const char* kSvgTerminal = "set terminal svg size 1000,650 noenhanced font 'sans,10' background '#ffffff'\n";
}  // namespace

std::string find_gnuplot() {
  if (const char* env = std::getenv("NCHIP_GNUPLOT"))
    return ::access(env, X_OK) == 0 ? std::string(env) : std::string();
  return find_on_path("gnuplot");
}

std::string gnuplot_quoted(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

void add_figure(std::string& script, const std::string& stem, const std::string& setup,
                const std::string& plot_command, const std::string& cleanup, std::vector<std::string>& outputs) {
  const std::string png = stem + ".png", svg = stem + ".svg";
  script += setup;
  script += kPngTerminal + fmt::format("set output {}\n", gnuplot_quoted(png + ".tmp")) + plot_command + "\n";
  script += kSvgTerminal + fmt::format("set output {}\n", gnuplot_quoted(svg + ".tmp")) + plot_command + "\n";
  script += "set output\n" + cleanup;  // closes the SVG (its closing tag is written here)
  outputs.push_back(png);
  outputs.push_back(svg);
}

void run_gnuplot(const std::string& gnuplot, const fs::path& script_path, const std::string& script,
                 const std::vector<std::string>& outputs) {
  write_file_atomically(script_path.string(), script);
  const std::string log = script_path.string() + ".log";
  const int rc = run_process({gnuplot, script_path.string()}, log);
  if (rc != 0)
    throw InputError(fmt::format("{}: gnuplot failed (exit {}): {}", script_path.string(), rc, last_line_of(log)));
  for (const auto& out : outputs) fs::rename(out + ".tmp", out);
  fs::remove(log);
}

}  // namespace nchip::runtime::sweep
