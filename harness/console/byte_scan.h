// Finding the first byte of a class in a line, sixteen bytes at a time: the
// console parser tests every byte of every line this way (for bytes to
// clean, for keyword anchors), so a byte-by-byte loop would be half its time.
// GCC/Clang vector types: portable, and SSE2/NEON where the target has them.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace kmx::console::bytes {

using Block = unsigned char __attribute__((vector_size(16)));
using SignedBlock = signed char __attribute__((vector_size(16)));
using Lanes = SignedBlock;  // a comparison's result: 0 or -1 per byte

inline SignedBlock as_signed(Block b) { return reinterpret_cast<SignedBlock>(b); }

// The first lane set in a comparison's result.
inline std::optional<std::size_t> first_lane(Lanes lanes) {
#ifdef __SSE2__
  // One instruction gathers the lanes' top bits (x86-64 always has SSE2).
  const int mask = _mm_movemask_epi8(reinterpret_cast<__m128i>(lanes));
  if (mask == 0) return std::nullopt;
  return static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
#else
  std::uint64_t half[2];
  std::memcpy(half, &lanes, sizeof half);
  const auto first_byte = [](std::uint64_t h) {
    return static_cast<std::size_t>(std::endian::native == std::endian::little ? std::countr_zero(h) / 8
                                                                                : std::countl_zero(h) / 8);
  };
  if (half[0]) return first_byte(half[0]);
  if (half[1]) return 8 + first_byte(half[1]);
  return std::nullopt;
#endif
}

// Offset of the first byte of s from `from` on in the class that `lanes`
// marks in a block, or s.size(). A line shorter than a block is tested
// padded with spaces: the first pad byte, if a hit, is at s.size() anyway.
template <typename ClassLanes>
std::size_t find_first(std::string_view s, std::size_t from, ClassLanes lanes) {
  const auto block_at = [&](std::size_t at) {
    Block b;
    std::memcpy(&b, s.data() + at, sizeof b);
    return b;
  };
  std::size_t i = from;
  for (; i + sizeof(Block) <= s.size(); i += sizeof(Block))
    if (const std::optional<std::size_t> lane = first_lane(lanes(block_at(i)))) return i + *lane;
  if (i == s.size()) return i;
  if (s.size() >= sizeof(Block)) {
    // The last bytes as the block that ends with s, its lanes before i masked.
    constexpr Block kLane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const std::size_t start = s.size() - sizeof(Block);
    const auto skip = static_cast<unsigned char>(i - start);
    const std::optional<std::size_t> lane = first_lane(lanes(block_at(start)) & (kLane >= skip));
    return lane ? start + *lane : s.size();
  }
  Block padded;
  std::memset(&padded, ' ', sizeof padded);
  std::memcpy(&padded, s.data() + i, s.size() - i);
  const std::optional<std::size_t> lane = first_lane(lanes(padded));
  return lane ? i + *lane : s.size();
}

}  // namespace kmx::console::bytes
