#include "console/task_table.h"

#include <array>
#include <utility>

#include "console/scan.h"

namespace kmx::console {

namespace {

constexpr std::array<std::pair<std::string_view, TaskColumn>, 14> kColumns{{
    {"uid", TaskColumn::uid},
    {"tgid", TaskColumn::tgid},
    {"total_vm", TaskColumn::total_vm},
    {"rss", TaskColumn::rss},
    {"rss_anon", TaskColumn::rss_anon},
    {"rss_file", TaskColumn::rss_file},
    {"rss_shmem", TaskColumn::rss_shmem},
    {"nr_ptes", TaskColumn::nr_ptes},
    {"nr_pmds", TaskColumn::nr_pmds},
    {"pgtables_bytes", TaskColumn::pgtables_bytes},
    {"swapents", TaskColumn::swapents},
    {"cpu", TaskColumn::cpu},
    {"oom_adj", TaskColumn::oom_adj},
    {"oom_score_adj", TaskColumn::oom_score_adj},
}};

TaskColumn column_named(std::string_view name) {
  for (const auto& [n, c] : kColumns)
    if (n == name) return c;
  return TaskColumn::other;
}

void store(OomCandidate& row, TaskColumn column, int64_t v) {
  const auto small = static_cast<int>(v);
  switch (column) {
    case TaskColumn::uid: row.uid = small; break;
    case TaskColumn::tgid: row.tgid = small; break;
    case TaskColumn::total_vm: row.total_vm = v; break;
    case TaskColumn::rss: row.rss = v; break;
    case TaskColumn::rss_anon: row.rss_anon = v; break;
    case TaskColumn::rss_file: row.rss_file = v; break;
    case TaskColumn::rss_shmem: row.rss_shmem = v; break;
    case TaskColumn::nr_ptes: row.nr_ptes = v; break;
    case TaskColumn::nr_pmds: row.nr_pmds = v; break;
    case TaskColumn::pgtables_bytes: row.pgtables_bytes = v; break;
    case TaskColumn::swapents: row.swapents = v; break;
    case TaskColumn::cpu: row.cpu = small; break;
    case TaskColumn::oom_adj: row.oom_adj = small; break;
    case TaskColumn::oom_score_adj: row.oom_score_adj = small; break;
    case TaskColumn::other: break;
  }
}

// "[ pid ]" or "[  452]": the bracketed first cell; returns what is inside.
std::optional<std::string_view> bracket_cell(std::string_view text, std::size_t& pos) {
  if (!text.starts_with('[')) return std::nullopt;
  const std::size_t close = text.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  pos = close + 1;
  return trim(text.substr(1, close - 1));
}

}  // namespace

std::optional<std::vector<TaskColumn>> parse_task_table_header(std::string_view text) {
  std::size_t pos = 0;
  if (bracket_cell(text, pos) != "pid") return std::nullopt;
  std::vector<TaskColumn> columns;
  for (std::string_view w = word_at(text, pos); !w.empty(); w = word_at(text, pos)) {
    if (w == "name") return pos == text.size() && !columns.empty() ? std::optional(columns) : std::nullopt;
    if (columns.size() == 32) return std::nullopt;  // not a task table
    columns.push_back(column_named(w));
  }
  return std::nullopt;
}

std::optional<OomCandidate> parse_task_table_row(std::string_view text, const std::vector<TaskColumn>& columns) {
  std::size_t pos = 0;
  const std::optional<std::string_view> cell = bracket_cell(text, pos);
  if (!cell) return std::nullopt;
  const std::optional<int> pid = whole_number<int>(*cell);
  if (!pid) return std::nullopt;
  OomCandidate row;
  row.pid = *pid;
  for (const TaskColumn column : columns) {
    skip_spaces(text, pos);
    const std::optional<int64_t> v = number_at<int64_t>(text, pos);
    if (!v || pos >= text.size() || !is_space(text[pos])) return std::nullopt;
    store(row, column, *v);
  }
  ++pos;  // the one space the kernel prints before the comm
  if (pos >= text.size()) return std::nullopt;
  row.comm = std::string(text.substr(pos));
  return row;
}

}  // namespace kmx::console
