// Issue #15: the CLI's input-error contract over the fuzz seed corpora (tests/fuzz/corpus). Every
// corpus file, and two damaged copies of it (cut in half; one byte flipped in the middle), is the
// file argument of each command that reads that kind of file. Each run must exit 0 or 2 (never
// 1, never a signal); a failure must say so in exactly one line on stderr and leave nothing
// behind (no output file, no temporary file, no output directory).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

using namespace nchip::test;
namespace fs = std::filesystem;

namespace {

// The corpus files of one kind, sorted (a fixed order keeps failures reproducible).
std::vector<fs::path> corpus(const std::string& kind) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(source_path("tests/fuzz/corpus/" + kind)))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The file itself, then its first half, then a copy with the middle byte flipped.
std::vector<std::string> variants(const fs::path& file, const fs::path& dir) {
  const std::string bytes = slurp(file.string());
  const std::string stem = file.filename().string();
  write(dir / ("half-" + stem), bytes.substr(0, bytes.size() / 2));
  std::string flipped = bytes;
  if (!flipped.empty()) flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
  write(dir / ("flip-" + stem), flipped);
  return {file.string(), (dir / ("half-" + stem)).string(), (dir / ("flip-" + stem)).string()};
}

std::string replaced(std::string text, const std::string& key, const std::string& value) {
  for (size_t at; (at = text.find(key)) != std::string::npos;) text.replace(at, key.size(), value);
  return text;
}

// What the scratch directory holds besides the captured stdout and stderr.
std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name != "stdout.txt" && name != "stderr.txt") names.push_back(name);
  }
  return names;
}

// Runs every command template ({in}: the input, {out}: an output path in the scratch directory,
// {src}: the source tree) on every variant of every corpus file of `kind`. Returns how many runs
// succeeded and failed, so a test can require that both outcomes were exercised.
std::pair<int, int> check_kind(const std::string& kind, const std::vector<std::string>& commands) {
  const std::string scratch = scratch_dir("cli_corpus_" + kind);
  const fs::path inputs = scratch_dir("cli_corpus_" + kind + "_inputs");
  int ok = 0, failed = 0;
  for (const fs::path& file : corpus(kind)) {
    for (const std::string& input : variants(file, inputs)) {
      for (const std::string& command : commands) {
        const std::string args = replaced(replaced(replaced(command, "{in}", "'" + input + "'"), "{out}",
                                                   "'" + scratch + "/out'"),
                                          "{src}", source_path(""));
        const CliResult r = run_nchip(args, scratch);
        INFO("nchip " << args << "\nexit " << r.exit_code << "\nstderr: " << r.err);
        REQUIRE((r.exit_code == 0 || r.exit_code == 2));
        if (r.exit_code == 2) {
          ++failed;
          CHECK(line_count(r.err) == 1);
          CHECK(r.err.back() == '\n');
          CHECK(leftovers(scratch).empty());
        } else {
          ++ok;
        }
        for (const std::string& name : leftovers(scratch)) fs::remove_all(fs::path(scratch) / name);
      }
    }
  }
  return {ok, failed};
}

const std::string kTinyNet = "{src}/tests/fuzz/corpus/network_json/tiny_lif.json";
const std::string kSmallChip = "{src}/examples/chips/small.json";

}  // namespace

TEST_CASE("corpus: network files through validate, run, compile and export", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("network_json", {"validate {in}", "run {in} --steps 5 --out {out}",
                                                        "compile {in} --chip " + kSmallChip + " -o {out}",
                                                        "export {in} -o {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

TEST_CASE("corpus: quant configs through compile and run --quant", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("quant_json", {"compile " + kTinyNet + " --chip " + kSmallChip + " --quant {in} -o {out}",
                                                      "run " + kTinyNet + " --steps 5 --quant {in} --out {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

TEST_CASE("corpus: chip descriptions through compile --chip", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("chip_json", {"compile " + kTinyNet + " --chip {in} -o {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

TEST_CASE("corpus: chip images through inspect, run and export", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("chip_image", {"inspect {in}", "inspect {in} --json --report {out}",
                                                      "run {in} --steps 5 --out {out}", "export {in} -o {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

TEST_CASE("corpus: NIR graphs through import, validate and run", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("nir", {"import {in} --reset subtract -o {out}", "validate {in} --reset subtract",
                                               "run {in} --reset subtract --steps 5 --out {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

TEST_CASE("corpus: trial sets through data info and train --data", "[cli][corpus]") {
  const auto [ok, failed] = check_kind(
      "trial_set", {"data info {in}", "train --data {in} --net {src}/examples/networks/evidence_accumulation_tiny.json "
                                      "--iterations 1 --batch 2 --out {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

TEST_CASE("corpus: spike files through run --input and data convert", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("spike_file", {"run " + kTinyNet + " --input {in} --out {out}",
                                                      "data convert --from-json {in} --out {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

TEST_CASE("corpus: sweep specs through sweep --list", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("sweep_spec", {"sweep {in} --list"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}

#ifdef NCHIP_HAVE_RTL
TEST_CASE("corpus: ETU records through cosim --stimulus recorded", "[cli][corpus]") {
  const auto [ok, failed] = check_kind("etu_record", {"cosim --stimulus recorded {in} --vcd {out}"});
  CHECK(ok > 0);
  CHECK(failed > 0);
}
#endif
