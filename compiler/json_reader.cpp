#include "compiler/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "hw_model/error.hpp"

namespace nchip::json_reader {

namespace {

// Control characters would break the one-line message; escape them visibly.
void append_escaped(std::string& out, const std::string& text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Follows the parser through the document, so that a duplicate key, or a number too large to
// parse, can be reported with its pointer.
class PathTracker {
 public:
  explicit PathTracker(const Reader& reader) : reader_(reader) {}

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: frames_.push_back({false, 0, {}, {}}); break;
      case json::parse_event_t::array_start: frames_.push_back({true, 0, {}, {}}); break;
      case json::parse_event_t::key: {
        Frame& frame = frames_.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second)
          reader_.fail(pointer(), "duplicate key " + in_quotes(frame.key) +
                                      " (JSON would silently keep only the last one)");
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        next_element();
        break;
      case json::parse_event_t::value: next_element(); break;
    }
    return true;
  }

  // Pointer of the element being parsed (the last key seen, or the next array position).
  std::string pointer() const {
    std::string p;
    for (const Frame& f : frames_) p = f.is_array ? child(p, f.index) : child(p, f.key);
    return p;
  }

 private:
  struct Frame {
    bool is_array;
    size_t index;     // arrays: position of the element being parsed
    std::string key;  // objects: key of the member being parsed
    std::set<std::string> keys;
  };

  void next_element() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  const Reader& reader_;
  std::vector<Frame> frames_;
};

// "line L, column C" of the last character the parser read (byte is nlohmann's 1-based count
// of characters read). nlohmann's own line/column points past a token's terminating newline,
// which would name the next line.
std::string location(const std::string& text, size_t byte) {
  const size_t index = std::min(byte == 0 ? 0 : byte - 1, text.size());
  const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + index, '\n'));
  const size_t line_start = text.rfind('\n', index == 0 ? std::string::npos : index - 1);
  const size_t column =
      line_start == std::string::npos || index == 0 ? index + 1 : index - line_start;
  return fmt::format("line {}, column {}", line, column);
}

// nlohmann's explanation without its "[json.exception.parse_error.101] parse error at line L,
// column C: " prefix, on one line.
std::string explanation(const std::exception& e) {
  std::string message = e.what();
  const size_t close = message.find("] ");
  if (close != std::string::npos) message = message.substr(close + 2);
  const std::string prefix = "parse error at ";
  if (message.compare(0, prefix.size(), prefix) == 0) {
    const size_t colon = message.find(": ");
    if (colon != std::string::npos) message = message.substr(colon + 2);
  }
  std::string one_line;
  append_escaped(one_line, message);
  return one_line;
}

}  // namespace

std::string child(const std::string& pointer, const std::string& key) {
  std::string token;
  for (const char c : key) {
    if (c == '~')
      token += "~0";
    else if (c == '/')
      token += "~1";
    else
      token += c;
  }
  std::string out = pointer + "/";
  append_escaped(out, token);
  return out;
}

std::string child(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string in_quotes(const std::string& text) {
  std::string out = "'";
  append_escaped(out, text);
  return out + "'";
}

std::string list_or(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  bool ok = static_cast<bool>(in);
  // A directory opens fine on Linux and fails on the first read, which libstdc++ reports by
  // throwing from the stream buffer.
  try {
    if (ok) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    ok = false;
  }
  if (!ok || in.bad()) throw InputError(path + ": cannot read file");
  return text;
}

json Reader::parse(const std::string& text) const {
  PathTracker tracker(*this);
  try {
    // nlohmann copies the callback, so hand it a reference to the one tracker read below.
    return json::parse(text, [&tracker](int depth, json::parse_event_t event, json& parsed) {
      return tracker(depth, event, parsed);
    });
  } catch (const json::parse_error& e) {
    throw InputError(source_ + ": " + location(text, e.byte) + ": " + explanation(e));
  } catch (const json::out_of_range& e) {
    // nlohmann 3.11 refuses a number too large for a double ("1e999") instead of returning inf;
    // the tracker knows which element was being read.
    const std::string why = explanation(e);
    const size_t open = why.find('\'');
    if (e.id != 406 || open == std::string::npos) fail(tracker.pointer(), why);
    fail(tracker.pointer(), "expected a finite number, got " +
                                why.substr(open + 1, why.size() - open - 2) +
                                " (too large for a double)");
  }
}

void Reader::fail(const std::string& pointer, const std::string& problem) const {
  throw InputError(source_ + ": " + (pointer.empty() ? "(root)" : pointer) + ": " + problem);
}

std::string describe(const json& value) {
  if (value.is_number()) return "number " + value.dump();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_string()) return "string " + in_quotes(value.get<std::string>());
  return value.type_name();  // object, array, null
}

void Reader::expect_object(const json& value, const std::string& pointer) const {
  if (!value.is_object()) fail(pointer, "expected an object, got " + describe(value));
}

void Reader::expect_array(const json& value, const std::string& pointer,
                          const std::string& what) const {
  if (!value.is_array()) fail(pointer, "expected an array (" + what + "), got " + describe(value));
}

std::optional<std::string> Reader::first_unknown_key(const json& object,
                                                     const std::vector<std::string>& allowed) {
  for (const auto& item : object.items())
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) return item.key();
  return std::nullopt;
}

std::string Reader::unknown_key_message(const std::string& key,
                                        const std::vector<std::string>& allowed,
                                        const std::string& owner) {
  std::string message =
      "unknown key " + in_quotes(key) + " (" + owner + " takes " + list_or(allowed);
  if (const auto best = closest_name(key, allowed)) message += "; did you mean " + in_quotes(*best) + "?";
  return message + ")";
}

std::optional<std::string> closest_name(const std::string& key, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const size_t d = edit_distance(key, candidate);
    if (d <= 1 + candidate.size() / 3 && (best == nullptr || d < best_distance)) {
      best = &candidate;
      best_distance = d;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

void Reader::reject_unknown_keys(const json& object, const std::string& pointer,
                                 const std::vector<std::string>& allowed,
                                 const std::string& owner) const {
  if (const auto key = first_unknown_key(object, allowed))
    fail(child(pointer, *key), unknown_key_message(*key, allowed, owner));
}

const json& Reader::required(const json& object, const std::string& pointer,
                             const char* key) const {
  const auto it = object.find(key);
  if (it == object.end()) fail(pointer, std::string("missing required key ") + in_quotes(key));
  return *it;
}

const json* Reader::optional(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string Reader::string(const json& value, const std::string& pointer) const {
  if (!value.is_string()) fail(pointer, "expected a string, got " + describe(value));
  return value.get<std::string>();
}

bool Reader::boolean(const json& value, const std::string& pointer) const {
  if (!value.is_boolean()) fail(pointer, "expected true or false, got " + describe(value));
  return value.get<bool>();
}

double Reader::finite_number(const json& value, const std::string& pointer) const {
  if (!value.is_number()) fail(pointer, "expected a number, got " + describe(value));
  const double x = value.get<double>();
  if (!std::isfinite(x))
    fail(pointer, fmt::format("expected a finite number, got {} (too large for a double)", x));
  return x;
}

uint64_t Reader::unsigned_integer(const json& value, const std::string& pointer,
                                  uint64_t max) const {
  if (value.is_number_unsigned()) {
    const uint64_t x = value.get<uint64_t>();
    if (x > max) fail(pointer, fmt::format("must be at most {}, got {}", max, x));
    return x;
  }
  if (value.is_number_integer())
    fail(pointer, "expected a non-negative integer, got " + describe(value));
  fail(pointer, "expected an integer, got " + describe(value));
}

int64_t Reader::integer(const json& value, const std::string& pointer, int64_t min,
                        int64_t max) const {
  if (value.is_number_unsigned()) {
    const uint64_t x = value.get<uint64_t>();
    if (max < 0 || x > static_cast<uint64_t>(max))
      fail(pointer, fmt::format("must be at most {}, got {}", max, x));
    return static_cast<int64_t>(x);
  }
  if (value.is_number_integer()) {
    const int64_t x = value.get<int64_t>();
    if (x < min) fail(pointer, fmt::format("must be at least {}, got {}", min, x));
    if (x > max) fail(pointer, fmt::format("must be at most {}, got {}", max, x));
    return x;
  }
  fail(pointer, "expected an integer, got " + describe(value));
}

}  // namespace nchip::json_reader
