// One line at the bottom of a terminal, redrawn in place. The terminal's own
// capabilities (terminfo: carriage return, clear to end of line, columns) do
// the drawing; on anything that is not a terminal it stays silent.
#pragma once

#include <string>

namespace kmx::runner {

class StatusLine {
 public:
  explicit StatusLine(int fd);
  bool enabled() const { return enabled_; }
  size_t width() const;
  void show(const std::string& text);
  void clear();

 private:
  int fd_;
  bool enabled_ = false;
  bool shown_ = false;
  std::string last_;  // what is on screen, so an unchanged line is not redrawn
};

}  // namespace kmx::runner
