#include "console/stack_frame.h"

#include <algorithm>
#include <array>

#include "console/scan.h"

namespace kmx::console {

namespace {

// Where the bytes of a class end, sixteen at a time (frames are half of
// some logs; byte loops would mispredict the end of every name and number).
bytes::Lanes between(bytes::Block b, unsigned char lo, unsigned char hi) { return (b >= lo) & (b <= hi); }
constexpr auto not_hex = [](bytes::Block b) {
  return ~(between(b, '0', '9') | between(b | 0x20, 'a', 'f'));
};
constexpr auto not_symbol = [](bytes::Block b) {
  return ~(between(b, '0', '9') | between(b | 0x20, 'a', 'z') | (b == '_') | (b == '.') | (b == '$'));
};

// "[<ffffffff8108114b>]" at pos, advancing past it and the spaces after.
bool skip_address(std::string_view s, std::size_t& pos) {
  if (!consume(s, pos, "[<")) return false;
  pos = bytes::find_first(s, pos, not_hex);
  if (!consume(s, pos, ">]")) return false;
  skip_spaces(s, pos);
  return true;
}

// "name+0x1e/0x30[ [module]]" from pos to the end of the line.
std::optional<FrameRef> symbol_at(std::string_view s, std::size_t pos) {
  const std::size_t begin = pos;
  pos = bytes::find_first(s, pos, not_symbol);
  if (pos == begin || !consume(s, pos, "+0x")) return std::nullopt;
  FrameRef frame;
  frame.function = s.substr(begin, pos - 3 - begin);
  pos = bytes::find_first(s, pos, not_hex);
  if (!consume(s, pos, "/0x")) return std::nullopt;
  pos = bytes::find_first(s, pos, not_hex);
  // 2.6.32's WARNING line ends the symbol with "()".
  consume(s, pos, "()");
  skip_spaces(s, pos);
  if (consume(s, pos, "[")) {
    const std::size_t close = s.find(']', pos);
    if (close == std::string_view::npos) return std::nullopt;
    frame.module = s.substr(pos, close - pos);
    pos = close + 1;
    skip_spaces(s, pos);
  }
  if (pos != s.size()) return std::nullopt;
  return frame;
}

constexpr std::string_view kMachineryPrefixes[] = {
    "dump_stack", "show_stack", "show_trace", "warn_slowpath", "__warn", "report_bug", "sched_show_task",
    "_raw_spin", "_raw_read", "_raw_write", "__raw_spin", "native_queued_spin", "queued_spin"};

// Sorted, for a binary search: every frame of a dump is looked up until one is not machinery.
constexpr std::array kMachinery = std::to_array<std::string_view>({
    "__bad_area_nosemaphore", "__cond_resched", "__die", "__do_page_fault", "__down", "__hrtimer_run_queues",
    "__mutex_lock", "__mutex_lock_slowpath", "__run_hrtimer", "__schedule", "__sysvec_apic_timer_interrupt",
    "_cond_resched", "_spin_lock", "_spin_lock_irq", "_spin_lock_irqsave", "_spin_unlock_irqrestore",
    "apic_timer_interrupt", "asm_exc_general_protection", "asm_exc_invalid_op", "asm_exc_page_fault",
    "asm_sysvec_apic_timer_interrupt", "bad_area", "bad_area_nosemaphore", "die", "do_error_trap",
    "do_general_protection", "do_invalid_op", "do_page_fault", "do_raw_spin_lock", "do_trap",
    "do_user_addr_fault", "down_read", "down_write", "dump_header", "exc_general_protection", "exc_invalid_op",
    "exc_page_fault", "general_protection", "handle_bug", "hrtimer_interrupt", "invalid_op", "io_schedule",
    "io_schedule_timeout", "kernelmode_fixup_or_oops", "local_apic_timer_interrupt", "mutex_lock",
    "mutex_lock_nested", "no_context", "oops_end", "page_fault", "page_fault_oops", "panic",
    "preempt_schedule_common", "rwsem_down_read_slowpath", "rwsem_down_write_slowpath", "schedule",
    "schedule_hrtimeout_range", "schedule_preempt_disabled", "schedule_timeout", "smp_apic_timer_interrupt",
    "spin_lock", "sysvec_apic_timer_interrupt", "wait_for_completion", "watchdog_timer_fn",
});
static_assert(std::ranges::is_sorted(kMachinery));

}  // namespace

std::optional<FrameRef> parse_stack_frame(std::string_view text) {
  std::size_t pos = 0;
  skip_spaces(text, pos);
  skip_address(text, pos);
  bool reliable = true;
  if (consume(text, pos, "? ")) reliable = false;
  std::optional<FrameRef> frame = symbol_at(text, pos);
  if (frame) frame->reliable = reliable;
  return frame;
}

std::optional<FrameRef> parse_rip_line(std::string_view text) {
  std::size_t pos = 0;
  skip_spaces(text, pos);
  // "IP: [<addr>] fn+..." is the faulting address line of 2.6.32-4.x oopses.
  if (!consume(text, pos, "RIP: 0010:") && !consume(text, pos, "EIP: 0060:") && !consume(text, pos, "IP: "))
    return std::nullopt;
  if (skip_address(text, pos)) skip_address(text, pos);  // "[<addr>]  [<addr>] name+..."
  return symbol_at(text, pos);
}

bool is_machinery_frame(std::string_view function) {
  // Compiler clones ("foo.constprop.0", "foo.part.0", "foo.isra.1") are foo.
  function = function.substr(0, function.find('.'));
  for (const std::string_view p : kMachineryPrefixes)
    if (has_prefix(function, p)) return true;
  return std::ranges::binary_search(kMachinery, function);
}

void FramePicker::offer(const FrameRef& frame) {
  if (reliable_ || is_machinery_frame(frame.function)) return;
  if (frame.reliable)
    reliable_ = frame.kept();
  else if (!guess_)
    guess_ = frame.kept();
}

}  // namespace kmx::console
