#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>

namespace kmx::report {

namespace {

constexpr int kWidth = 480, kHeight = 150, kLeft = 40, kRight = 10, kTop = 10, kBottom = 24;

template <typename Value>
std::string polyline(const std::vector<CounterSample>& s, Value value, double max_value, const char* css_class) {
  const double t0 = static_cast<double>(s.front().up_ms);
  const double span = std::max(1.0, static_cast<double>(s.back().up_ms) - t0);
  std::string points;
  for (const CounterSample& c : s) {
    const double x = kLeft + (static_cast<double>(c.up_ms) - t0) / span * (kWidth - kLeft - kRight);
    const double y = kTop + (1 - static_cast<double>(value(c)) / std::max(1.0, max_value)) * (kHeight - kTop - kBottom);
    points += fmt::format("{:.1f},{:.1f} ", x, y);
  }
  return fmt::format(R"(<polyline class="{}" fill="none" points="{}"/>)", css_class, points);
}

}  // namespace

std::string counters_chart(const std::vector<CounterSample>& s, uint64_t limit_bytes) {
  if (s.size() < 2) return "";
  int64_t max_usage = static_cast<int64_t>(limit_bytes), max_procs = 1;
  for (const CounterSample& c : s) {
    max_usage = std::max(max_usage, c.usage);
    max_procs = std::max({max_procs, c.live, c.killed});
  }
  const double limit_y = kTop + (1 - static_cast<double>(limit_bytes) / static_cast<double>(std::max<int64_t>(1, max_usage))) *
                                    (kHeight - kTop - kBottom);
  const double seconds = static_cast<double>(s.back().up_ms - s.front().up_ms) / 1000.0;
  std::string svg = fmt::format(
      R"(<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img">)",
      kWidth, kHeight);
  svg += fmt::format(R"(<rect class="frame" x="{}" y="{}" width="{}" height="{}" fill="none"/>)", kLeft, kTop,
                     kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  svg += fmt::format(R"(<line class="limit" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>)", kLeft, kWidth - kRight, limit_y,
                     limit_y);
  svg += polyline(s, [](const CounterSample& c) { return c.usage; }, static_cast<double>(max_usage), "usage");
  svg += polyline(s, [](const CounterSample& c) { return c.live; }, static_cast<double>(max_procs), "live");
  svg += polyline(s, [](const CounterSample& c) { return c.killed; }, static_cast<double>(max_procs), "killed");
  svg += fmt::format(R"(<text x="{}" y="{}">0</text><text x="{}" y="{}" text-anchor="end">{:.1f} s</text>)", kLeft,
                     kHeight - 8, kWidth - kRight, kHeight - 8, seconds);
  svg += fmt::format(R"(<text x="2" y="{}">{} MiB</text>)", kTop + 10, max_usage >> 20);
  return svg + "</svg>";
}

}  // namespace kmx::report
