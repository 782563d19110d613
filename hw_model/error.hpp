// Error kinds shared by every layer. InputError: the user's input (a file, a flag, a network, an
// image) is wrong; the CLI prints its one-line message and exits with code 2. Anything else that
// escapes is an internal error (exit code 1).
#pragma once

#include <stdexcept>
#include <string>

namespace nchip {

struct InputError : std::runtime_error {
  explicit InputError(const std::string& what_and_where) : std::runtime_error(what_and_where) {}
};

}  // namespace nchip
