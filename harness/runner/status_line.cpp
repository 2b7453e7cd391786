#include "runner/status_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

// ncurses' low-level terminfo interface; no screen handling, and none of
// its macros (clear, erase, ...) that would clash with our names.
#define NCURSES_NOMACROS
#include <curses.h>
#include <term.h>

namespace kmx::runner {

namespace {
std::string capability(const char* name) {
  const char* s = tigetstr(name);
  return s == nullptr || s == reinterpret_cast<const char*>(-1) ? "" : s;
}
}  // namespace

StatusLine::StatusLine(int fd) : fd_(fd) {
  int err = 0;
  enabled_ = ::isatty(fd) && setupterm(nullptr, fd, &err) == OK && !capability("cr").empty() &&
             !capability("el").empty();
}

size_t StatusLine::width() const {
  winsize ws{};
  if (::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col - 1;
  const int cols = tigetnum("cols");
  return cols > 1 ? static_cast<size_t>(cols - 1) : 79;
}

void StatusLine::show(const std::string& text) {
  if (!enabled_ || (shown_ && text == last_)) return;
  last_ = text;
  const std::string out = capability("cr") + capability("el") + text;
  if (::write(fd_, out.data(), out.size()) < 0) enabled_ = false;
  shown_ = true;
}

void StatusLine::clear() {
  if (!enabled_ || !shown_) return;
  const std::string out = capability("cr") + capability("el");
  if (::write(fd_, out.data(), out.size()) < 0) enabled_ = false;
  shown_ = false;
}

}  // namespace kmx::runner
