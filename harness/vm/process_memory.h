// What a hypervisor process really holds of the host's memory: its anonymous
// pages. For a guest restored copy-on-write that is the pages it wrote (the
// rest stays the snapshot's shared page cache); for one booted cold, the RAM
// it touched. Either way plus QEMU's own heap and translation cache.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace kmx::vm {

// The "Anonymous:" line of /proc/PID/smaps_rollup, in bytes; nullopt without one.
std::optional<uint64_t> anonymous_bytes(std::string_view smaps_rollup);

// Of a running process; nullopt once it is gone.
std::optional<uint64_t> process_anonymous_memory(pid_t pid);

}  // namespace kmx::vm
