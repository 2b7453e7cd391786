// Finding the first byte of a class in a line, sixteen bytes at a time: the
// console parser tests every byte of every line this way (for bytes to
// clean, for keyword anchors), so a byte-by-byte loop would be half its time.
// GCC/Clang vector types: portable, and SSE2/NEON where the target has them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace kmx::console::bytes {

using Block = unsigned char __attribute__((vector_size(16)));

// Whether any lane of a comparison's result is true.
inline bool any(decltype(Block{} == Block{}) lanes) {
  std::uint64_t half[2];
  std::memcpy(half, &lanes, sizeof half);
  return (half[0] | half[1]) != 0;
}

// Offset of the first byte of s from `from` on that `hit` accepts, or
// s.size(). `block_may_hit` must be true of every 16 bytes holding a hit; it
// may be true of others (the bytes are then tested one by one).
template <typename BlockTest, typename ByteTest>
std::size_t find_first(std::string_view s, std::size_t from, BlockTest block_may_hit, ByteTest hit) {
  std::size_t i = from;
  for (; i + sizeof(Block) <= s.size(); i += sizeof(Block)) {
    Block b;
    std::memcpy(&b, s.data() + i, sizeof b);
    if (!block_may_hit(b)) continue;
    for (std::size_t k = i; k < i + sizeof(Block); ++k)
      if (hit(s[k])) return k;
  }
  for (; i < s.size(); ++i)
    if (hit(s[i])) return i;
  return s.size();
}

}  // namespace kmx::console::bytes
