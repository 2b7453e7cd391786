#include <gtest/gtest.h>

#include <string>

#include "agent/protocol.h"

namespace kmx::agent {
namespace {

TEST(Protocol, FormatLineMatchesTheWireContract) {
  // CRC-32 of "@km1 7 hb up=5" is checked against km_crc32 itself, and the
  // frame shape against guest/protocol.h's description.
  const std::string line = format_line(7, "hb", {{"up", "5"}});
  const std::string body = "@km1 7 hb up=5";
  ASSERT_EQ(line.substr(0, body.size() + 2), body + " #");
  EXPECT_EQ(line.size(), body.size() + 2 + 8 + 1);
  EXPECT_EQ(line.back(), '\n');
  char crc[9];
  std::snprintf(crc, sizeof crc, "%08x", km_crc32(body.data(), body.size()));
  EXPECT_EQ(line.substr(body.size() + 2, 8), crc);
}

TEST(Protocol, RoundTripKeepsOrderAndRepeatedKeys) {
  const Fields fields = {{"mod", "brd.ko:rd_nr=1 rd_size=65536"}, {"sysctl", "vm.panic_on_oom:1"},
                         {"mod", "zram.ko:"}, {"empty", ""}};
  const ParseResult r = parse_line(format_line(42, "cell", fields));
  ASSERT_EQ(r.status, LineStatus::ok);
  EXPECT_EQ(r.message.seq, 42u);
  EXPECT_EQ(r.message.type, "cell");
  EXPECT_EQ(r.message.fields, fields);
  EXPECT_EQ(r.message.get("mod"), "brd.ko:rd_nr=1 rd_size=65536");
  EXPECT_EQ(r.message.get_all("mod"), (std::vector<std::string>{"brd.ko:rd_nr=1 rd_size=65536", "zram.ko:"}));
  EXPECT_EQ(r.message.get("absent"), std::nullopt);
}

TEST(Protocol, PercentEncodesEverythingOutsideTheSafeSet) {
  EXPECT_EQ(percent_encode("a b=c#d"), "a%20b%3Dc%23d");
  EXPECT_EQ(percent_encode("100%"), "100%25");
  EXPECT_EQ(percent_encode("\xc3\xa9\n"), "%C3%A9%0A");  // "é" and a newline
  EXPECT_EQ(percent_encode("vm.panic_on_oom:1,/x+y-z"), "vm.panic_on_oom:1,/x+y-z");
  EXPECT_EQ(percent_decode("a%20b%3dc%23d%C3%A9"), "a b=c#d\xc3\xa9");
}

TEST(Protocol, PercentDecodeRejectsBrokenEscapes) {
  EXPECT_EQ(percent_decode("abc%2"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
}

TEST(Protocol, FlippedByteIsBadCrc) {
  std::string line = format_line(3, "hb", {{"up", "1000"}, {"live", "8"}});
  line[line.find("live=8") + 5] = '9';
  EXPECT_EQ(parse_line(line).status, LineStatus::bad_crc);
}

TEST(Protocol, TornLineIsMalformed) {
  const std::string line = format_line(3, "hb", {{"up", "1000"}, {"live", "8"}});
  EXPECT_EQ(parse_line(line.substr(0, 12)).status, LineStatus::malformed);          // before the CRC
  EXPECT_EQ(parse_line(line.substr(0, line.size() - 4)).status, LineStatus::malformed);  // inside the CRC
}

TEST(Protocol, NoiseBeforeTheFrameIsSkipped) {
  const std::string line = format_line(9, "ready", {{"proto", "1"}});
  const ParseResult r = parse_line("\xff\x01garbage @k" + line);
  ASSERT_EQ(r.status, LineStatus::ok);
  EXPECT_EQ(r.message.seq, 9u);
  EXPECT_EQ(r.message.get("proto"), "1");
  EXPECT_EQ(parse_line(line.substr(0, line.size() - 1) + "\r\n").status, LineStatus::ok);
}

TEST(Protocol, TornLineGluedToTheNextStillYieldsTheNext) {
  const std::string torn = format_line(4, "hb", {{"up", "1"}}).substr(0, 10);
  const ParseResult r = parse_line(torn + format_line(5, "hb", {{"up", "2"}}));
  ASSERT_EQ(r.status, LineStatus::ok);
  EXPECT_EQ(r.message.seq, 5u);
}

TEST(Protocol, OtherVersionAndNoFrame) {
  EXPECT_EQ(parse_line("@km2 1 ready #00000000\n").status, LineStatus::bad_version);
  EXPECT_EQ(parse_line("[    1.234] random kernel line\n").status, LineStatus::no_frame);
  EXPECT_EQ(parse_line("").status, LineStatus::no_frame);
}

TEST(Protocol, ValidCrcButBadFieldIsMalformed) {
  const std::string body = "@km1 5 hb novalue";
  char crc[9];
  std::snprintf(crc, sizeof crc, "%08x", km_crc32(body.data(), body.size()));
  EXPECT_EQ(parse_line(body + " #" + crc).status, LineStatus::malformed);
}

TEST(LineSplitter, ArbitraryChunksYieldWholeLines) {
  const std::string stream = format_line(1, "ready", {}) + format_line(2, "hb", {{"up", "5"}});
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    LineSplitter s;
    std::vector<std::string> lines = s.feed(stream.substr(0, cut));
    for (std::string& l : s.feed(stream.substr(cut))) lines.push_back(std::move(l));
    ASSERT_EQ(lines.size(), 2u) << cut;
    EXPECT_EQ(parse_line(lines[0]).message.seq, 1u);
    EXPECT_EQ(parse_line(lines[1]).message.seq, 2u);
  }
}

TEST(LineSplitter, OverlongLineIsDroppedAndCounted) {
  LineSplitter s(16);
  EXPECT_TRUE(s.feed(std::string(10, 'a')).empty());
  EXPECT_TRUE(s.feed(std::string(10, 'b')).empty());  // now over 16: dropped
  const std::vector<std::string> lines = s.feed("still dropped\nshort\n");
  EXPECT_EQ(lines, std::vector<std::string>{"short"});
  EXPECT_EQ(s.dropped(), 1);
  EXPECT_EQ(s.feed(std::string(16, 'c') + "\n"), std::vector<std::string>{std::string(16, 'c')});
}

Message heartbeat_message() {
  return parse_line(format_line(12, "hb",
                                {{"up", "61000"}, {"started", "80"}, {"finished", "3"}, {"killed", "17"},
                                 {"live", "60"}, {"usage", "268435456"}, {"failcnt", "13451"},
                                 {"under_oom", "1"}, {"oom_kills", "-1"}, {"cpu_user", "10"},
                                 {"cpu_sys", "900"}, {"cpu_idle", "20"}}))
      .message;
}

TEST(Heartbeat, ParsesEveryCounter) {
  const Heartbeat hb = parse_heartbeat(heartbeat_message());
  EXPECT_EQ(hb.up_ms, 61000);
  EXPECT_EQ(hb.started, 80);
  EXPECT_EQ(hb.finished, 3);
  EXPECT_EQ(hb.killed, 17);
  EXPECT_EQ(hb.live, 60);
  EXPECT_EQ(hb.usage, 268435456);
  EXPECT_EQ(hb.failcnt, 13451);
  EXPECT_EQ(hb.under_oom, 1);
  EXPECT_EQ(hb.oom_kills, -1);
  EXPECT_EQ(hb.cpu_user, 10);
  EXPECT_EQ(hb.cpu_sys, 900);
  EXPECT_EQ(hb.cpu_idle, 20);
}

TEST(Heartbeat, MissingOrNonNumericKeyIsAnError) {
  Message msg = heartbeat_message();
  std::erase_if(msg.fields, [](const auto& f) { return f.first == "failcnt"; });
  EXPECT_THROW(parse_heartbeat(msg), ProtocolError);
  msg = heartbeat_message();
  msg.fields[0].second = "12x";
  EXPECT_THROW(parse_heartbeat(msg), ProtocolError);
}

TEST(SequenceTracker, ReportsGapsAndRestarts) {
  SequenceTracker t;
  EXPECT_FALSE(t.observe(1));
  EXPECT_FALSE(t.observe(2));
  const auto gap = t.observe(5);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->expected, 3u);
  EXPECT_EQ(gap->got, 5u);
  EXPECT_FALSE(t.observe(6));
  EXPECT_TRUE(t.observe(1));  // agent restarted
  EXPECT_EQ(t.lost(), 2u);
}

}  // namespace
}  // namespace kmx::agent
