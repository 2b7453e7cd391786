#include "runner/backend_choice.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.h"

namespace kmx::runner {

namespace {

std::string shown(const std::string& value) { return fmt::format("\"{}\"", value); }
std::string shown(const std::vector<std::string>& uris) { return fmt::format("{}", uris); }  // ["a", "b"]

// The value every cell has; two different ones are refused, naming both.
template <typename Get>
auto common_value(const std::vector<matrix::Cell>& cells, Get get, const std::string& matrix_file, const char* key,
                  const char* what, const char* flag) {
  decltype(get(matrix::Cell{})) value{};
  if (!cells.empty()) value = get(cells.front());
  for (const matrix::Cell& c : cells)
    if (get(c) != value)
      throw UsageError(fmt::format("{}: cells use both {} {} and {}; one run uses one {} (set {} once, or give {})",
                                   matrix_file, key, shown(value), shown(get(c)), what, key, flag));
  return value;
}

}  // namespace

BackendChoice choose_backend(const std::string& backend_flag, const std::vector<std::string>& connect_flag,
                             const std::vector<matrix::Cell>& cells, const std::string& matrix_file) {
  BackendChoice choice;
  choice.name = !backend_flag.empty() ? backend_flag
                                      : common_value(
                                            cells, [](const matrix::Cell& c) { return c.run.backend; }, matrix_file,
                                            "run.backend", "backend", "--backend");
  const std::vector<std::string> from_matrix =
      connect_flag.empty() ? common_value(
                                 cells, [](const matrix::Cell& c) { return c.run.connect; }, matrix_file, "run.connect",
                                 "set of hosts", "--connect")
                           : std::vector<std::string>{};
  if (choice.name != "libvirt") {
    if (!connect_flag.empty()) throw UsageError("--connect is for --backend libvirt");
    if (!from_matrix.empty())
      throw UsageError(fmt::format("--backend {}: {} names libvirt hosts in run.connect, which only --backend libvirt "
                                   "uses; drop --backend {}, or run a matrix without run.connect",
                                   choice.name, matrix_file, choice.name));
    return choice;
  }
  choice.uris = !connect_flag.empty() ? connect_flag : from_matrix;
  if (choice.uris.empty()) choice.uris = {"qemu:///system"};
  for (auto it = choice.uris.begin(); it != choice.uris.end(); ++it)
    if (std::find(choice.uris.begin(), it, *it) != it)
      throw UsageError(fmt::format("--connect {} is given twice; name each host once", *it));
  return choice;
}

}  // namespace kmx::runner
