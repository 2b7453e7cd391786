#include <gtest/gtest.h>

#include "util/units.h"

namespace kmx::util {
namespace {

TEST(ParseSize, PlainBytes) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("4096B"), 4096u);
}

TEST(ParseSize, BinaryUnits) {
  EXPECT_EQ(parse_size("256K"), 256u << 10);
  EXPECT_EQ(parse_size("8M"), 8u << 20);
  EXPECT_EQ(parse_size("2G"), 2ull << 30);
  EXPECT_EQ(parse_size("1T"), 1ull << 40);
}

TEST(ParseSize, SuffixSpellings) {
  for (const char* s : {"8M", "8m", "8MB", "8mb", "8MiB", "8mib", "8Mib"}) EXPECT_EQ(parse_size(s), 8u << 20) << s;
}

TEST(ParseSize, Rejects) {
  for (const char* s : {"", "M", "12Q", "-1", "+1", "1.5M", " 8M", "8M ", "8 M", "8MM", "8MiBB", "4096iB", "8KG",
                        "0x10", "8iM"})
    EXPECT_EQ(parse_size(s), std::nullopt) << '"' << s << '"';
}

TEST(ParseSize, Overflow) {
  EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_size("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_size("16777215T"), 16777215ull << 40);
  EXPECT_EQ(parse_size("16777216T"), std::nullopt);  // 2^64
}

TEST(ParseDuration, Units) {
  EXPECT_EQ(parse_duration_ms("500ms"), 500u);
  EXPECT_EQ(parse_duration_ms("90s"), 90'000u);
  EXPECT_EQ(parse_duration_ms("5m"), 300'000u);
  EXPECT_EQ(parse_duration_ms("1h"), 3'600'000u);
  EXPECT_EQ(parse_duration_ms("0s"), 0u);
}

TEST(ParseDuration, RejectsBareNumbersAndOddSpellings) {
  for (const char* s : {"", "90", "s", "1.5s", "-1s", "90S", "90 s", "90sec", "1d", "5min", "90us", "1h30m"})
    EXPECT_EQ(parse_duration_ms(s), std::nullopt) << '"' << s << '"';
}

TEST(ParseDuration, Overflow) {
  EXPECT_EQ(parse_duration_ms("18446744073709551615ms"), UINT64_MAX);
  EXPECT_EQ(parse_duration_ms("18446744073709551615s"), std::nullopt);
}

TEST(FormatSize, LargestExactUnit) {
  EXPECT_EQ(format_size(0), "0");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_size(1024), "1K");
  EXPECT_EQ(format_size(1536u << 10), "1536K");
  EXPECT_EQ(format_size(96u << 20), "96M");
  EXPECT_EQ(format_size(1ull << 30), "1G");
  EXPECT_EQ(format_size(3ull << 40), "3T");
}

TEST(FormatDuration, LargestExactUnit) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(500), "500ms");
  EXPECT_EQ(format_duration(1500), "1500ms");
  EXPECT_EQ(format_duration(90'000), "90s");
  EXPECT_EQ(format_duration(300'000), "5m");
  EXPECT_EQ(format_duration(7'200'000), "2h");
}

TEST(Units, FormatReadsBack) {
  for (uint64_t v : std::initializer_list<uint64_t>{0, 1, 1023, 4096, 96ull << 20, (1ull << 30) + 4096, UINT64_MAX})
    EXPECT_EQ(parse_size(format_size(v)), v) << v;
  for (uint64_t v : std::initializer_list<uint64_t>{0, 1, 999, 1000, 61'000, 3'600'000, UINT64_MAX})
    EXPECT_EQ(parse_duration_ms(format_duration(v)), v) << v;
}

}  // namespace
}  // namespace kmx::util
