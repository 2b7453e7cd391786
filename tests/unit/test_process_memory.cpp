#include <gtest/gtest.h>

#include <unistd.h>

#include <vector>

#include "vm/process_memory.h"

namespace kmx::vm {
namespace {

TEST(ProcessMemory, AnonymousLineOfSmapsRollup) {
  const char* rollup =
      "55e286227000-7fff36424000 ---p 00000000 00:00 0                          [rollup]\n"
      "Rss:              612340 kB\n"
      "Pss_Anon:          81200 kB\n"
      "Private_Dirty:     81224 kB\n"
      "Anonymous:         81200 kB\n"
      "LazyFree:              0 kB\n";
  EXPECT_EQ(anonymous_bytes(rollup), 81200ull << 10);
  EXPECT_EQ(anonymous_bytes("Rss: 12 kB\nPss_Anon: 3 kB\n"), std::nullopt) << "Pss_Anon is not Anonymous";
  EXPECT_EQ(anonymous_bytes(""), std::nullopt) << "a process gone";
  EXPECT_EQ(anonymous_bytes("x\nAnonymous: many kB\n"), std::nullopt);
}

TEST(ProcessMemory, GrowsAsThisProcessWritesMemory) {
  const uint64_t before = process_anonymous_memory(::getpid()).value();
  std::vector<char> block(64 << 20, 1);
  EXPECT_GE(process_anonymous_memory(::getpid()).value(), before + (60ull << 20));
  EXPECT_EQ(block[12345], 1);
}

}  // namespace
}  // namespace kmx::vm
