// Reading hand-written JSON so that every mistake becomes one line naming the file, the JSON
// pointer (RFC 6901) and the problem: "net.json: /populations/1/type: unknown ...". Shared by the
// network and quant-config readers; nothing here knows their schemas.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nchip::json_reader {

using nlohmann::json;

// Appends one reference token to a pointer, escaped per RFC 6901 (~ -> ~0, / -> ~1).
std::string child(const std::string& pointer, const std::string& key);
std::string child(const std::string& pointer, size_t index);

// 'text' in single quotes, control characters escaped, so a message stays on one line.
std::string in_quotes(const std::string& text);

// "a, b or c"
std::string list_or(const std::vector<std::string>& words);

// Contents of a file; InputError "PATH: cannot read file" when it cannot be opened or read.
std::string read_text_file(const std::string& path);

class Reader {
 public:
  explicit Reader(std::string source_name) : source_(std::move(source_name)) {}
  const std::string& source() const { return source_; }

  // Syntax errors (with line and column) and duplicate keys (which nlohmann would otherwise
  // resolve silently by keeping the last) become InputErrors.
  json parse(const std::string& text) const;

  // Throws InputError "SOURCE: POINTER: problem"; the empty pointer is shown as "(root)".
  [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const;

  void expect_object(const json& value, const std::string& pointer) const;
  void expect_array(const json& value, const std::string& pointer, const std::string& what) const;

  // The first key of `object` not in `allowed` (keys are visited in sorted order, so the choice
  // is deterministic).
  static std::optional<std::string> first_unknown_key(const json& object,
                                                      const std::vector<std::string>& allowed);
  // Fails on the first unknown key, listing what is allowed and suggesting a near miss.
  void reject_unknown_keys(const json& object, const std::string& pointer,
                           const std::vector<std::string>& allowed, const std::string& owner) const;
  // "unknown key 'x' (OWNER takes a, b or c; did you mean 'y'?)"
  static std::string unknown_key_message(const std::string& key,
                                         const std::vector<std::string>& allowed,
                                         const std::string& owner);

  const json& required(const json& object, const std::string& pointer, const char* key) const;
  static const json* optional(const json& object, const char* key);

  std::string string(const json& value, const std::string& pointer) const;
  bool boolean(const json& value, const std::string& pointer) const;
  // Any JSON number; infinity (what "1e999" parses to) is rejected here.
  double finite_number(const json& value, const std::string& pointer) const;
  // A JSON integer (not 2.0) within [0, max].
  uint64_t unsigned_integer(const json& value, const std::string& pointer, uint64_t max) const;
  // A JSON integer within [min, max].
  int64_t integer(const json& value, const std::string& pointer, int64_t min, int64_t max) const;

 private:
  std::string source_;
};

// "string", "array", "number 2.5", ... for "expected X, got Y" messages.
std::string describe(const json& value);

// The candidate nearest to a misspelt `key` (edit distance at most 1 + a third of its length),
// for "did you mean" hints in JSON files and on the command line; none when nothing is close.
std::optional<std::string> closest_name(const std::string& key, const std::vector<std::string>& candidates);

}  // namespace nchip::json_reader
