// The layers point down only (issue #11): arith <- model <- image; learning -> arith, model;
// functional, systemc -> learning, image; compiler -> image, model; runtime on top; no chip model
// includes another. This test reads every #include "..." of the project's sources and fails
// naming the file, the line and the forbidden arrow.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The layer of a path relative to the source root ("hw_model/learning/x.hpp" -> "learning");
// empty for files outside the layered folders.
std::string layer_of(const std::string& path) {
  static const std::vector<std::pair<std::string, std::string>> prefixes = {
      {"hw_model/arith/", "arith"},         {"hw_model/model/", "model"},
      {"hw_model/image/", "image"},         {"hw_model/learning/", "learning"},
      {"hw_model/functional/", "functional"}, {"hw_model/systemc/", "systemc"},
      {"hw_model/error.hpp", "error"},      {"hw_model/text_check.hpp", "error"},  // names in messages
      {"compiler/", "compiler"},
      {"runtime/", "runtime"},              {"rtl/", "rtl"}};
  for (const auto& [prefix, layer] : prefixes)
    if (path.rfind(prefix, 0) == 0) return layer;
  return {};
}

// Which layers each layer may include (its own always; error.hpp, the one exception type, and
// text_check.hpp, the check of names quoted in its messages, from anywhere).
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> a = {
      {"error", {}},
      {"arith", {}},
      {"model", {"arith"}},
      {"image", {"arith", "model"}},
      {"learning", {"arith", "model"}},
      {"functional", {"arith", "model", "image", "learning"}},
      {"systemc", {"arith", "model", "image", "learning"}},
      {"compiler", {"arith", "model", "image"}},
      {"rtl", {"arith"}},
      {"runtime", {"arith", "model", "image", "learning", "functional", "systemc", "compiler", "rtl"}},
  };
  return a;
}

// The path of a `#include "path"` line (spaces allowed around '#' and after "include"), or "".
// (No std::regex: GCC 12's trips -Werror=maybe-uninitialized in the sanitizer build.)
std::string quoted_include(const std::string& line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos || line[i] != '#') return {};
  i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string::npos || line.compare(i, 7, "include") != 0) return {};
  i = line.find_first_not_of(" \t", i + 7);
  if (i == std::string::npos || line[i] != '"') return {};
  const size_t end = line.find('"', i + 1);
  if (end == std::string::npos || end == i + 1) return {};
  return line.substr(i + 1, end - i - 1);
}

// The forbidden arrows of one file's text, as "file:line: from -> to (include)".
std::vector<std::string> violations(const std::string& path, const std::string& text) {
  std::vector<std::string> out;
  const std::string from = layer_of(path);
  if (from.empty()) return out;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string target = quoted_include(line);
    if (target.empty()) continue;
    const std::string to = layer_of(target);
    if (to.empty() || to == from || to == "error") continue;
    if (allowed().at(from).count(to) == 0)
      out.push_back(path + ":" + std::to_string(number) + ": " + from + " -> " + to + " (" + target + ")");
  }
  return out;
}

}  // namespace

TEST_CASE("the checker finds a forbidden arrow and accepts an allowed one") {
  CHECK(violations("hw_model/systemc/chip.cpp", "#include \"hw_model/functional/run.hpp\"\n") ==
        std::vector<std::string>{"hw_model/systemc/chip.cpp:1: systemc -> functional (hw_model/functional/run.hpp)"});
  CHECK(violations("hw_model/arith/ops.hpp", "int x;\n  #  include \"hw_model/model/network_model.hpp\"\n").size() == 1);
  CHECK(violations("compiler/lower.cpp", "#include \"hw_model/learning/eprop_engine.hpp\"\n").size() == 1);
  CHECK(violations("hw_model/learning/a.hpp", "#include \"hw_model/image/chip_image.hpp\"\n").size() == 1);
  CHECK(violations("hw_model/learning/a.hpp",
                   "#include \"hw_model/model/network_model.hpp\"\n#include \"hw_model/error.hpp\"\n#include <vector>\n")
            .empty());
  CHECK(violations("runtime/cli/main.cpp", "#include \"hw_model/systemc/timed_chip.hpp\"\n").empty());
  CHECK(violations("tests/x.cpp", "#include \"hw_model/systemc/timed_chip.hpp\"\n").empty());  // not layered
}

TEST_CASE("no source file includes across a forbidden layer arrow") {
  const fs::path root = NCHIP_SOURCE_DIR;
  std::vector<std::string> found;
  size_t files = 0;
  for (const char* top : {"hw_model", "compiler", "runtime", "rtl"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".hpp" && ext != ".cpp" && ext != ".h" && ext != ".in")) continue;
      std::ifstream in(entry.path());
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (auto& v : violations(fs::relative(entry.path(), root).generic_string(), text)) found.push_back(v);
      ++files;
    }
  }
  INFO("files checked: " << files);
  CHECK(files > 100);
  for (const auto& v : found) UNSCOPED_INFO(v);
  CHECK(found.empty());
}
