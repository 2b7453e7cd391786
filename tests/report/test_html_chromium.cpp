// The HTML report in a real browser: headless Chromium (Debian's `chromium`)
// loads a page that `kmatrix report` wrote for a run whose cell name and
// console hold markup, and shows that the table is there, the markup is
// text, nothing injected ran, and what the page looks like (a screenshot).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "../unit/results_fixtures.h"
#include "agent/protocol.h"
#include "util/read_file.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kHostileName = "evil<script>document.title='pwned-name'</script>";
constexpr const char* kHostileLine =
    "[    4.1] <img src=x onerror=\"document.title='pwned-onerror'\"><script>document.title='pwned-console'</script>";

int shell(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string chromium(const std::string& args) {
  return fmt::format("timeout 120 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=2000 {}", args);
}

// The DOM after the page's scripts, if any, ran.
std::string dump_dom(const fs::path& page) {
  const fs::path out = page.string() + ".dom";
  EXPECT_EQ(shell(chromium(fmt::format("--dump-dom 'file://{}' >'{}' 2>/dev/null", page.string(), out.string()))), 0)
      << "chromium failed on " << page;
  return kmx::util::read_file(out);
}

// A run with a hostile cell name and console line, reported by the real binary.
const fs::path& report_page() {
  static const fs::path page = [] {
    const fs::path dir = kmx::fixtures::fresh_dir("chromium");
    const kmx::results::RunResults run = kmx::fixtures::run({
        {.name = "fits", .outcome = "completed", .expect = "completed"},
        {.name = kHostileName, .outcome = "container-hang", .procs = 40, .killer_off = true,
         .detail = "workload not done within 60000 ms"},
    });
    kmx::fixtures::write_run_dir(dir / "run", run);
    for (const kmx::results::CellResult& c : run.cells) {
      fs::create_directories(dir / "run" / c.evidence);
      std::ofstream(dir / "run" / c.evidence / "console.log")
          << "[    4.0] booting\n[    4.1] wlchild invoked oom-killer: gfp_mask=0xcc0\n" << kHostileLine << "\n";
      std::ofstream agent_log(dir / "run" / c.evidence / "agent.log");
      for (int t = 0; t < 10; ++t)  // memory filling up, then children killed: the chart's lines
        agent_log << kmx::agent::format_line(
            t + 1, "hb",
            {{"up", std::to_string(1000 * t)}, {"started", "40"}, {"finished", "0"}, {"killed", std::to_string(t)},
             {"live", std::to_string(40 - t)}, {"usage", std::to_string((10 + 9 * t) << 20)}, {"failcnt", "0"},
             {"under_oom", "0"}, {"oom_kills", std::to_string(t)}, {"cpu_user", "0"}, {"cpu_sys", "0"},
             {"cpu_idle", "0"}});
    }
    const fs::path html = dir / "report.html";
    EXPECT_EQ(shell(fmt::format("'{}' report '{}' --format html -o '{}'", KMATRIX_BINARY, (dir / "run").string(),
                                html.string())),
              0);
    return html;
  }();
  return page;
}

TEST(HtmlInChromium, ScriptsRunInThisChromiumAtAll) {
  // The control: without it, "nothing injected ran" could mean "nothing runs".
  const fs::path page = kmx::fixtures::fresh_dir("chromium-control") / "control.html";
  std::ofstream(page) << "<html><head><title>before</title></head><body>"
                         "<script>document.title='script-ran'</script></body></html>";
  EXPECT_NE(dump_dom(page).find("<title>script-ran</title>"), std::string::npos);
}

TEST(HtmlInChromium, HeatmapAndCellTableAreThere) {
  const std::string dom = dump_dom(report_page());
  EXPECT_NE(dom.find("<table id=\"heatmap\" class=\"heatmap\">"), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("<td class=\"o-container-hang\"><a href=\"#cell-"), std::string::npos);
  EXPECT_NE(dom.find("<td class=\"o-completed\"><a href=\"#cell-"), std::string::npos);
  EXPECT_NE(dom.find("<table id=\"cells\">"), std::string::npos);
  EXPECT_NE(dom.find("completed ✓"), std::string::npos);
  EXPECT_NE(dom.find("<svg class=\"chart\""), std::string::npos) << "the agent's counters";
}

TEST(HtmlInChromium, InjectedMarkupIsTextAndDoesNotRun) {
  const std::string dom = dump_dom(report_page());
  EXPECT_EQ(dom.find("pwned</title>"), std::string::npos);
  EXPECT_EQ(dom.find("<title>pwned"), std::string::npos);
  EXPECT_NE(dom.find("<title>kmatrix run "), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos) << "an element was injected";
  EXPECT_EQ(dom.find("<img"), std::string::npos) << "an element was injected";
  // Shown as text, where it came from: the cell name and the console excerpt.
  EXPECT_NE(dom.find("evil&lt;script&gt;document.title='pwned-name'&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(dom.find("&lt;img src=x onerror=\"document.title='pwned-onerror'\"&gt;"), std::string::npos);
}

TEST(HtmlInChromium, Screenshot) {
  const fs::path png = fs::path(KMATRIX_REPORT_ARTIFACTS) / "report-screenshot.png";
  fs::create_directories(png.parent_path());
  fs::remove(png);
  EXPECT_EQ(shell(chromium(fmt::format("--window-size=1280,1600 --screenshot='{}' 'file://{}' >/dev/null 2>&1",
                                       png.string(), report_page().string()))),
            0);
  EXPECT_EQ(kmx::util::read_file(png).substr(0, 8), "\x89PNG\r\n\x1a\n");
  std::fprintf(stderr, "screenshot: %s\n", png.c_str());
}

}  // namespace
