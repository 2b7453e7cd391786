// Stack frames as the kernel prints them in call traces, and which of them
// names the code at fault ("the first meaningful frame"):
//
//   2.6.32-4.x  " [<ffffffff8108114b>] ? oom_kill_process+0x41/0x265"
//   4.x+        " oom_kill_process+0x41/0x265", " ? __schedule+0x2a/0x80 [brd]"
//   RIP         "RIP: 0010:[<ffffffff8152a6ce>]  [<ffffffff8152a6ce>] _spin_lock+0x1e/0x30" (2.6.32-4.8)
//               "RIP: 0010:__alloc_pages+0x1a/0x2b0" (4.9+)
//   IP          "IP: [<ffffffff8110d8e5>] kfree+0x55/0x110" (an oops's faulting address, 2.6.32-4.x)
//
// "?" marks a frame the unwinder only guessed from a stale stack word. The
// first meaningful frame skips guesses and the machinery around a report
// (dump_stack, warn/bug/panic handlers, scheduler and lock primitives, timer
// interrupts): for the seed's hang that leaves css_get_next, not _spin_lock.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kmx::console {

struct StackFrame {
  std::string function;  // "oom_kill_process"
  std::string module;    // "brd" for " [brd]", else ""
  bool reliable = true;  // false for "?" frames
};

// A frame as read: views into its line, made a StackFrame only where kept
// (most frames of a dump are read and passed over).
struct FrameRef {
  std::string_view function, module;
  bool reliable = true;
  StackFrame kept() const { return {std::string(function), std::string(module), reliable}; }
};
inline FrameRef ref_of(const StackFrame& f) { return {f.function, f.module, f.reliable}; }

// A call-trace line -> its frame; not for the RIP line.
std::optional<FrameRef> parse_stack_frame(std::string_view text);

// "RIP: 0010:..." or "IP: ..." of a kernel address -> its function
// ("RIP: 0033:" user code -> nothing).
std::optional<FrameRef> parse_rip_line(std::string_view text);

// Whether a frame only reports, schedules, locks or handles an interrupt.
bool is_machinery_frame(std::string_view function);

// Chooses the first meaningful frame as frames arrive in printed order: the
// first reliable non-machinery frame, else (traces of 2.6.32 mark nearly
// every frame "?") the first non-machinery guess.
class FramePicker {
 public:
  void offer(const FrameRef& frame);
  bool settled() const { return reliable_.has_value(); }
  std::optional<StackFrame> best() const { return reliable_ ? reliable_ : guess_; }

 private:
  std::optional<StackFrame> reliable_, guess_;
};

}  // namespace kmx::console
