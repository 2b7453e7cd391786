#include "console/task_dump.h"

#include <array>

#include "console/scan.h"

namespace kmx::console {

namespace {

bool is_state(std::string_view w) { return w.size() == 1 && std::string_view("RSDTtZXxKWPIN").find(w[0]) != std::string_view::npos; }

bool is_hex_word(std::string_view w) {
  return !w.empty() && w.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The number after "key": 5.x pads it ("pid:   77"), 6.x does not ("pid:77").
std::optional<int> field(std::string_view text, std::string_view key) {
  const std::size_t at = find_phrase(text, key);
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t pos = at + key.size();
  skip_spaces(text, pos);
  return number_at<int>(text, pos);
}

// "task:wlchild        state:D stack:0     pid:456   ppid:455    flags:0x00004000"
std::optional<DumpedTask> new_task_line(std::string_view text) {
  if (!text.starts_with("task:")) return std::nullopt;
  const std::size_t state = find_phrase(text, " state:");
  if (state == std::string_view::npos || state + 7 >= text.size()) return std::nullopt;
  DumpedTask task;
  task.comm = std::string(trim(text.substr(5, state - 5)));
  task.state = text[state + 7];
  const std::optional<int> pid = field(text, " pid:");
  if (!pid) return std::nullopt;
  task.pid = *pid;
  task.ppid = field(text, " ppid:");
  return task;
}

// "<comm> <state> [<pc>|running task] <free stack> <pid> <ppid> 0x<flags>", read from the end.
std::optional<DumpedTask> old_task_line(std::string_view text) {
  // Tried on every line of a dump: the flags word rules out frames at once.
  const std::string_view trimmed = trim(text);
  std::size_t last = trimmed.size();
  while (last > 0 && !is_space(trimmed[last - 1])) --last;
  if (last == 0 || !trimmed.substr(last).starts_with("0x")) return std::nullopt;
  std::array<std::string_view, 64> words;
  std::size_t count = 0, pos = 0;
  for (std::string_view w = word_at(text, pos); !w.empty(); w = word_at(text, pos)) {
    if (count == words.size()) return std::nullopt;
    words[count++] = w;
  }
  if (count < 6) return std::nullopt;
  std::size_t n = count - 1;
  const std::optional<int> ppid = whole_number<int>(words[n - 1]);
  const std::optional<int> pid = whole_number<int>(words[n - 2]);
  if (!ppid || !pid || !whole_number<long>(words[n - 3])) return std::nullopt;
  n -= 3;  // words[n] is the first word after the state (and PC)
  if (n >= 2 && words[n - 1] == "task" && words[n - 2] == "running") n -= 2;
  else if (n >= 1 && words[n - 1].size() >= 8 && is_hex_word(words[n - 1])) n -= 1;
  if (n < 2 || !is_state(words[n - 1])) return std::nullopt;
  DumpedTask task;
  task.state = words[n - 1][0];
  task.pid = *pid;
  task.ppid = ppid;
  // The comm is everything before the state word.
  const std::string_view comm(text.data(), static_cast<std::size_t>(words[n - 1].data() - text.data()));
  task.comm = std::string(trim(comm));
  return task;
}

}  // namespace

std::optional<std::string> parse_task_dump_header(std::string_view text) {
  std::size_t pos = 0;
  if (!consume(text, pos, "sysrq: ") && !consume(text, pos, "SysRq : ") && !consume(text, pos, "SysRq: "))
    return std::nullopt;
  const std::string_view what = text.substr(pos);
  if (what == "Show Blocked State" || what == "Show State") return std::string(what);
  return std::nullopt;
}

std::optional<DumpedTask> parse_task_line(std::string_view text) {
  if (std::optional<DumpedTask> task = new_task_line(text)) return task;
  return old_task_line(text);
}

}  // namespace kmx::console
