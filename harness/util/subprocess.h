// Running a host command to completion and capturing what it printed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kmx::util {

struct CommandResult {
  int exit_code = 0;
  std::string out;  // stdout
  std::string err;  // stderr, for the error message when the command fails
};

// Runs `program` (looked up in PATH unless it holds a '/') with `args` in `cwd` (empty: ours), stdin
// from /dev/null. HostError if the program is missing or cannot start; a
// non-zero exit is returned, not thrown, so callers can phrase the failure.
CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& cwd = {});

}  // namespace kmx::util
