// Honest error types: each says whose fault it is, which decides the exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace kmx {

// Bad input from the user: a matrix file, a size, a path. Exit code 2.
// The message names the file (and line:col where there is one) and what is wrong.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The host cannot do what was asked: QEMU missing, disk full, no network,
// apt failing. Exit code 3.
class HostError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// errno-based HostError: "what: strerror(errno)".
[[noreturn]] void throw_errno(const std::string& what);

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitHost = 3;
inline constexpr int kExitInconclusive = 4;  // a question the evidence cannot answer (compare: nothing paired)

}  // namespace kmx
