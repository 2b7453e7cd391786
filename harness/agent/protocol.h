// The harness side of the agent wire protocol (guest/protocol.h is the
// contract): framing, percent-encoding, CRC checking, line splitting,
// heartbeats and lost-line detection. Pure: bytes and strings in, structs out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// By path: a plain "protocol.h" would find this very file first.
#include "../../guest/protocol.h"

namespace kmx::agent {

// A line's fields in wire order. Keys may repeat (mod=, sysctl=), and their
// order matters (modules load in that order), hence not a map.
using Fields = std::vector<std::pair<std::string, std::string>>;

// A received line that parsed but breaks the protocol's rules, e.g. a
// heartbeat without one of its keys: an agent bug, never read as zero.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Message {
  uint64_t seq = 0;
  std::string type;
  Fields fields;  // values already decoded

  // The first value of `key`, if present.
  std::optional<std::string> get(std::string_view key) const;
  // The same as a decimal integer; nullopt when absent or not one.
  std::optional<int64_t> get_int(std::string_view key) const;
  // Every value of a repeated key, in wire order.
  std::vector<std::string> get_all(std::string_view key) const;
};

enum class LineStatus { ok, no_frame, bad_crc, bad_version, malformed };
std::string_view to_string(LineStatus status);

struct ParseResult {
  LineStatus status = LineStatus::malformed;
  Message message;  // meaningful only when status == ok
};

// Bytes outside KM_VALUE_SAFE become %XX (uppercase hex).
std::string percent_encode(std::string_view value);
// nullopt on a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view value);

// "@km1 <seq> <type> k=v... #<crc>\n", values percent-encoded.
std::string format_line(uint64_t seq, std::string_view type, const Fields& fields);

// One line, with or without its '\n' (a trailing '\r' is tolerated too).
// Bytes before the frame start are serial noise and skipped.
ParseResult parse_line(std::string_view line);

// Cuts an arbitrary byte stream into lines (without '\n'). A line longer than
// max_line is dropped whole and counted, so a runaway sender cannot grow the
// buffer without bound nor get half a line parsed.
class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line = KM_MAX_LINE);

  std::vector<std::string> feed(std::string_view bytes);
  int dropped() const { return dropped_; }

 private:
  std::size_t max_line_;
  std::string partial_;
  bool discarding_ = false;  // inside an overlong line, until its '\n'
  int dropped_ = 0;
};

// Counters of one `hb` line (see KM_HB_* in guest/protocol.h).
struct Heartbeat {
  int64_t up_ms = 0;
  int64_t started = 0;
  int64_t finished = 0;
  int64_t killed = 0;
  int64_t live = 0;
  int64_t usage = 0;  // bytes
  int64_t failcnt = 0;
  int64_t under_oom = 0;
  int64_t oom_kills = 0;  // -1: the kernel does not count them
  int64_t cpu_user = 0;
  int64_t cpu_sys = 0;
  int64_t cpu_idle = 0;
};

// Throws ProtocolError naming the key that is missing or not an integer.
Heartbeat parse_heartbeat(const Message& msg);

// Lines are numbered from 1 per direction; a jump shows lost lines, a step
// back shows a restarted agent or a replayed line.
class SequenceTracker {
 public:
  struct Gap {
    uint64_t expected = 0;
    uint64_t got = 0;
  };

  // The gap this line reveals, if any.
  std::optional<Gap> observe(uint64_t seq);
  uint64_t lost() const { return lost_; }  // lines skipped by forward jumps

 private:
  uint64_t expected_ = 1;
  uint64_t lost_ = 0;
};

}  // namespace kmx::agent
