// Golden tests: every console log under tests/data/console/ with a
// <name>.golden.json beside it must parse to exactly that JSON. The golden
// files were written by reading the logs (see tests/data/console/README.md);
// KMATRIX_UPDATE_GOLDEN=1 rewrites them from the parser, only on request.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "console/console_parser.h"
#include "console/event_json.h"
#include "util/read_file.h"

namespace kmx::console {
namespace {

namespace fs = std::filesystem;

nlohmann::json parse_log(const std::string& bytes) {
  ConsoleParser parser;
  std::vector<Event> events = parser.feed(bytes);
  for (Event& e : parser.finish()) events.push_back(std::move(e));
  return to_json(parser, events);
}

std::vector<fs::path> golden_logs() {
  std::vector<fs::path> logs;
  for (const auto& entry : fs::directory_iterator(fs::path(KMATRIX_TEST_DATA) / "console"))
    if (entry.path().extension() == ".log") logs.push_back(entry.path());
  std::sort(logs.begin(), logs.end());
  return logs;
}

class ConsoleGolden : public testing::TestWithParam<fs::path> {};

TEST_P(ConsoleGolden, ParseMatchesGolden) {
  const fs::path log = GetParam();
  const fs::path golden = fs::path(log).replace_extension(".golden.json");
  const nlohmann::json got = parse_log(util::read_file(log));
  if (const char* update = std::getenv("KMATRIX_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(golden) << got.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    GTEST_SKIP() << "rewrote " << golden;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing (KMATRIX_UPDATE_GOLDEN=1 writes it)";
  const nlohmann::json want = nlohmann::json::parse(util::read_file(golden));
  // A JSON patch from what the parser said to the golden names each wrong field.
  const nlohmann::json patch = nlohmann::json::diff(got, want);
  EXPECT_TRUE(patch.empty()) << log.filename() << ": " << patch.size() << " field(s) differ from "
                             << golden.filename() << ":\n"
                             << patch.dump(1).substr(0, 4000);
}

INSTANTIATE_TEST_SUITE_P(Corpus, ConsoleGolden, testing::ValuesIn(golden_logs()),
                         [](const testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

// The same logs fed in small random chunks parse to the same JSON: lines
// torn anywhere by the serial stream change nothing.
TEST(ConsoleGoldenChunks, ChunkedFeedMatchesWholeFeed) {
  std::srand(2015);
  for (const fs::path& log : golden_logs()) {
    const std::string bytes = util::read_file(log);
    ConsoleParser parser;
    std::vector<Event> events;
    for (std::size_t at = 0; at < bytes.size();) {
      const std::size_t n = 1 + static_cast<std::size_t>(std::rand()) % 700;
      for (Event& e : parser.feed(std::string_view(bytes).substr(at, n))) events.push_back(std::move(e));
      at += n;
    }
    for (Event& e : parser.finish()) events.push_back(std::move(e));
    EXPECT_EQ(to_json(parser, events), parse_log(bytes)) << log.filename();
  }
}

}  // namespace
}  // namespace kmx::console
