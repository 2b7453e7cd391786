// Turns the raw bytes of a serial console into clean kernel lines: CRLF and
// bare CRs, ANSI escapes and stray control bytes (BIOS and firmware paint the
// same port) removed, the printk timestamp split off, lines of any length
// bounded. The first stage of the console parser.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx::console {

struct ConsoleLine {
  // "[   12.345678] " when printk.time is on; absent otherwise.
  std::optional<std::chrono::microseconds> kernel_time;
  std::string text;  // the message after the timestamp, cleaned
};

// Cleans one raw line (without its '\n') and splits off the timestamp. Bytes
// before the first timestamp are noise (e.g. "Booting from ROM..[    0.0] ").
ConsoleLine clean_line(std::string_view raw);

class LineReader {
 public:
  // Longer lines keep their first max_line bytes: a console line's meaning is
  // at its start, and the kernel itself never prints one this long.
  explicit LineReader(std::size_t max_line = 4096);

  std::vector<ConsoleLine> feed(std::string_view bytes);
  // The torn last line, if any (the VM died mid-line).
  std::optional<ConsoleLine> finish();
  int truncated() const { return truncated_; }

 private:
  std::size_t max_line_;
  std::string partial_;
  bool overlong_ = false;
  int truncated_ = 0;
};

}  // namespace kmx::console
