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

namespace kmx::console {

struct ConsoleLine {
  // "[   12.345678]" when printk.time is on, else empty. Read only when asked
  // (kernel_time()): few lines start an event.
  std::string_view stamp;
  // The message after the timestamp, cleaned. A view: of the raw bytes when
  // they needed no cleaning (nearly every line, so nothing is copied), else
  // of `scratch` below or the reader's buffers.
  std::string_view text;
  // The reader's scan saw no 'k' or 'K' in the line, so it holds no keyword
  // (keywords.h) and keywords_in need not look (half the lines).
  bool no_keywords = false;

  std::optional<std::chrono::microseconds> kernel_time() const;
};

// Cleans one raw line (without its '\n') and splits off the timestamp. Bytes
// before the first timestamp are noise (e.g. "Booting from ROM..[    0.0] ").
// `scratch` holds the cleaned text when the raw bytes had to change.
ConsoleLine clean_line(std::string_view raw, std::string& scratch);

class LineReader {
 public:
  // Longer lines keep their first max_line bytes: a console line's meaning is
  // at its start, and the kernel itself never prints one this long.
  explicit LineReader(std::size_t max_line = 4096);

  // The next complete line of `bytes`, consumed from them; nothing once
  // what is left is the start of a line, kept for the next call. The line's
  // text is valid until the next call.
  std::optional<ConsoleLine> next(std::string_view& bytes);
  // The torn last line, if any (the VM died mid-line).
  std::optional<ConsoleLine> finish();
  int truncated() const { return truncated_; }

 private:
  std::size_t max_line_;
  std::string partial_;  // a line split across feeds, so far
  std::string line_;     // the last such line, complete
  std::string scratch_;  // the last line that needed cleaning
  bool overlong_ = false;
  int truncated_ = 0;
};

}  // namespace kmx::console
