#include "console/line_reader.h"

#include "console/byte_scan.h"
#include "console/keywords.h"

namespace kmx::console {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the valid UTF-8 sequence at raw[i], or 0 (the checks of RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view raw, std::size_t i) {
  const auto b = [&](std::size_t k) { return i + k < raw.size() ? static_cast<unsigned char>(raw[i + k]) : 0u; };
  const unsigned c = b(0);
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xbf) { return b(k) >= lo && b(k) <= hi; };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const bool second = c == 0xe0 ? cont(1, 0xa0) : c == 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return second && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const bool second = c == 0xf0 ? cont(1, 0x90) : c == 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return second && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// Drops ANSI escape sequences (ESC [ params final, or ESC + one byte) and
// control bytes. Valid UTF-8 stays, since a task's comm may well be UTF-8;
// other bytes >= 0x80 (line noise, 0xff: a UART's idle-line garbage) become
// '?', so that every line is valid UTF-8 and any record made of it is valid JSON.
// As signed bytes, controls and bytes >= 0x80 are all below ' ' (one comparison).
constexpr auto needs_cleaning = [](bytes::Block b) {
  return ((bytes::as_signed(b) < 0x20) & (b != '\t')) | (b == 0x7f);
};

std::string_view strip_controls(std::string_view raw, std::string& out) {
  const std::size_t first = bytes::find_first(raw, 0, needs_cleaning);
  // Most lines are plain printable ASCII, at most with a CR before the LF: those stand as they are.
  if (first == raw.size()) return raw;
  if (first + 1 == raw.size() && raw[first] == '\r') return raw.substr(0, first);
  out.assign(raw.substr(0, first));
  for (std::size_t i = first; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == 0x1b) {
      if (i + 1 < raw.size() && raw[i + 1] == '[') {
        i += 2;
        while (i < raw.size() && !(raw[i] >= 0x40 && raw[i] <= 0x7e)) ++i;
      } else {
        ++i;
      }
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7f || c == 0xff) continue;
    if (c >= 0x80) {
      const std::size_t n = utf8_length(raw, i);
      if (n == 0) {
        out += '?';
      } else {
        out.append(raw.substr(i, n));
        i += n - 1;
      }
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

using Timestamp = std::pair<std::chrono::microseconds, std::size_t>;  // and the offset after it

// Whether a line starts with printk's own layout, "[%5lu.%06lu]", checked
// at fixed places: loops that stop where the spaces or digits stop would
// mispredict a branch or two on every line.
constexpr std::size_t kPrintkStamp = 14;
bool has_printk_stamp(std::string_view s) {
  constexpr std::size_t kDot = 6, kClose = kPrintkStamp - 1;
  if (s.size() <= kClose || s[0] != '[' || s[kDot] != '.' || s[kClose] != ']' || !is_digit(s[kDot - 1]))
    return false;
  bool bad = false, digits = false;
  for (std::size_t k = 1; k < kDot; ++k) {  // spaces, then digits
    const bool digit = is_digit(s[k]);
    bad |= !digit && (digits || s[k] != ' ');
    digits |= digit;
  }
  for (std::size_t k = kDot + 1; k < kClose; ++k) bad |= !is_digit(s[k]);
  return !bad;
}

// Parses "[ <sec>.<usec>] " of any width at `at`.
std::optional<Timestamp> timestamp_at(std::string_view s, std::size_t at) {
  std::size_t i = at + 1;
  while (i < s.size() && s[i] == ' ') ++i;
  const std::size_t sec_begin = i;
  long long sec = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    // Ten digits are 300 years of uptime; more is line noise (and would overflow).
    if (i - sec_begin == 10) return std::nullopt;
    sec = sec * 10 + (s[i] - '0');
  }
  if (i == sec_begin || i >= s.size() || s[i] != '.') return std::nullopt;
  const std::size_t frac_begin = ++i;
  // Cut or pad the fraction to microseconds: printk prints six digits, but
  // some kernels print fewer.
  long long usec = 0;
  for (; i < s.size() && is_digit(s[i]); ++i)
    if (i - frac_begin < 6) usec = usec * 10 + (s[i] - '0');
  if (i == frac_begin || i >= s.size() || s[i] != ']') return std::nullopt;
  for (std::size_t digits = i - frac_begin; digits < 6; ++digits) usec *= 10;
  ++i;
  if (i < s.size() && s[i] == ' ') ++i;
  return Timestamp{std::chrono::microseconds(sec * 1'000'000 + usec), i};
}

// A timestamp a busy serial line garbled ("[   64..518972] "): digits,
// spaces and at least one dot in brackets. Returns the offset after it.
std::optional<std::size_t> garbled_timestamp_at(std::string_view s, std::size_t at) {
  const std::size_t close = s.find(']', at);
  if (close == std::string_view::npos || close - at > 24) return std::nullopt;
  const std::string_view inside = s.substr(at + 1, close - at - 1);
  if (inside.find('.') == std::string_view::npos || inside.find_first_of("0123456789") == std::string_view::npos ||
      inside.find_first_not_of(" .0123456789") != std::string_view::npos)
    return std::nullopt;
  return close + 1 < s.size() && s[close + 1] == ' ' ? close + 2 : close + 1;
}

ConsoleLine split_timestamp(std::string_view text) {
  if (has_printk_stamp(text)) {
    const std::size_t after = text.size() > kPrintkStamp && text[kPrintkStamp] == ' ' ? kPrintkStamp + 1 : kPrintkStamp;
    return {text.substr(0, kPrintkStamp), text.substr(after)};
  }
  for (std::size_t at = text.find('['); at != std::string_view::npos; at = text.find('[', at + 1)) {
    if (const auto ts = timestamp_at(text, at)) return {text.substr(at, ts->second - at), text.substr(ts->second)};
    if (const auto end = garbled_timestamp_at(text, at)) return {{}, text.substr(*end)};
  }
  return {{}, text};
}

}  // namespace

std::optional<std::chrono::microseconds> ConsoleLine::kernel_time() const {
  if (stamp.empty()) return std::nullopt;
  const std::optional<Timestamp> ts = timestamp_at(stamp, 0);
  return ts ? std::optional(ts->first) : std::nullopt;
}

ConsoleLine clean_line(std::string_view raw, std::string& scratch) {
  return split_timestamp(strip_controls(raw, scratch));
}

LineReader::LineReader(std::size_t max_line) : max_line_(max_line) {}

std::optional<ConsoleLine> LineReader::next(std::string_view& bytes) {
  if (partial_.empty()) {
    // The common case, a clean line whole within these bytes, read where it
    // lies in one scan: the first byte to clean is its LF or CR LF. The scan
    // also notes keyword anchors (some past the line's end, which only costs
    // a needless look).
    bytes::Lanes anchors{};
    const auto clean_and_anchors = [&anchors](bytes::Block b) {
      anchors |= keyword_anchors(b);
      return needs_cleaning(b);
    };
    const std::size_t end = bytes::find_first(bytes.substr(0, max_line_ + 2), 0, clean_and_anchors);
    const bool lf = end < bytes.size() && bytes[end] == '\n' && end <= max_line_;
    const bool crlf = end + 1 < bytes.size() && bytes[end] == '\r' && bytes[end + 1] == '\n' && end <= max_line_;
    if (lf || crlf) {
      ConsoleLine line = split_timestamp(bytes.substr(0, end));
      line.no_keywords = !bytes::first_lane(anchors);
      bytes.remove_prefix(end + (crlf ? 2 : 1));
      return line;
    }
  }
  const std::size_t nl = bytes.find('\n');
  const std::string_view piece = bytes.substr(0, nl);
  if (partial_.empty() && nl != std::string_view::npos && piece.size() <= max_line_) {
    bytes.remove_prefix(nl + 1);
    return clean_line(piece, scratch_);
  }
  const std::size_t room = max_line_ - partial_.size();
  if (piece.size() > room && !overlong_) {
    overlong_ = true;
    ++truncated_;
  }
  partial_.append(piece.substr(0, room));
  if (nl == std::string_view::npos) {
    bytes = {};
    return std::nullopt;
  }
  bytes.remove_prefix(nl + 1);
  return finish();
}

std::optional<ConsoleLine> LineReader::finish() {
  if (partial_.empty()) return std::nullopt;
  line_.swap(partial_);
  partial_.clear();
  overlong_ = false;
  return clean_line(line_, scratch_);
}

}  // namespace kmx::console
