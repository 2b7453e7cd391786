#include "agent/protocol.h"

#include <charconv>
#include <string_view>

#include <fmt/format.h>

namespace kmx::agent {

namespace {

constexpr std::string_view kSafe = KM_VALUE_SAFE;
constexpr std::string_view kFrameStart = "@km";
constexpr std::size_t kCrcDigits = 8;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename T>
std::optional<T> parse_number(std::string_view s, int base = 10) {
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

uint32_t crc_of(std::string_view bytes) { return km_crc32(bytes.data(), bytes.size()); }

// Where the last frame start "@km<digits> " begins. The last, because a torn
// line glued to the next one must not hide the intact frame after it; '@' is
// never in a value (it is percent-encoded), so only a frame start matches.
std::optional<std::size_t> find_frame(std::string_view line) {
  for (std::size_t at = line.rfind(kFrameStart); at != std::string_view::npos;
       at = at == 0 ? std::string_view::npos : line.rfind(kFrameStart, at - 1)) {
    std::size_t i = at + kFrameStart.size();
    const std::size_t digits = i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i > digits && i < line.size() && line[i] == ' ') return at;
  }
  return std::nullopt;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(' ', start), s.size());
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> Message::get(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<int64_t> Message::get_int(std::string_view key) const {
  const std::optional<std::string> text = get(key);
  return text ? parse_number<int64_t>(*text) : std::nullopt;
}

std::vector<std::string> Message::get_all(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fields)
    if (k == key) out.push_back(v);
  return out;
}

std::string_view to_string(LineStatus status) {
  switch (status) {
    case LineStatus::ok: return "ok";
    case LineStatus::no_frame: return "no-frame";
    case LineStatus::bad_crc: return "bad-crc";
    case LineStatus::bad_version: return "bad-version";
    case LineStatus::malformed: return "malformed";
  }
  return "?";
}

std::string percent_encode(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (kSafe.find(c) != std::string_view::npos)
      out += c;
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 2 >= value.size()) return std::nullopt;
    const int hi = hex_value(value[i + 1]);
    const int lo = hex_value(value[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string format_line(uint64_t seq, std::string_view type, const Fields& fields) {
  std::string body = fmt::format("{}{} {}", KM_LINE_PREFIX, seq, type);
  for (const auto& [key, value] : fields) body += fmt::format(" {}={}", key, percent_encode(value));
  return fmt::format("{}{}{:08x}\n", body, KM_CRC_SEPARATOR, crc_of(body));
}

ParseResult parse_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const std::optional<std::size_t> at = find_frame(line);
  if (!at) return {LineStatus::no_frame, {}};
  line.remove_prefix(*at);
  if (!line.starts_with(KM_LINE_PREFIX)) return {LineStatus::bad_version, {}};

  const std::size_t sep = line.rfind(KM_CRC_SEPARATOR);
  if (sep == std::string_view::npos) return {LineStatus::malformed, {}};  // torn before its CRC
  const std::string_view body = line.substr(0, sep);
  const std::string_view crc_text = line.substr(sep + std::string_view(KM_CRC_SEPARATOR).size());
  const std::optional<uint32_t> crc = parse_number<uint32_t>(crc_text, 16);
  if (crc_text.size() != kCrcDigits || !crc) return {LineStatus::malformed, {}};
  if (*crc != crc_of(body)) return {LineStatus::bad_crc, {}};

  // The CRC matched, so what follows is what the agent wrote; a failure now
  // is a sender bug, still reported rather than guessed around.
  const std::vector<std::string_view> tokens =
      split_spaces(body.substr(std::string_view(KM_LINE_PREFIX).size()));
  if (tokens.size() < 2 || tokens[1].empty()) return {LineStatus::malformed, {}};
  const std::optional<uint64_t> seq = parse_number<uint64_t>(tokens[0]);
  if (!seq) return {LineStatus::malformed, {}};
  ParseResult result{LineStatus::ok, {*seq, std::string(tokens[1]), {}}};
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    const std::size_t eq = tokens[i].find('=');
    if (eq == 0 || eq == std::string_view::npos) return {LineStatus::malformed, {}};
    std::optional<std::string> value = percent_decode(tokens[i].substr(eq + 1));
    if (!value) return {LineStatus::malformed, {}};
    result.message.fields.emplace_back(std::string(tokens[i].substr(0, eq)), std::move(*value));
  }
  return result;
}

LineSplitter::LineSplitter(std::size_t max_line) : max_line_(max_line) {}

std::vector<std::string> LineSplitter::feed(std::string_view bytes) {
  std::vector<std::string> lines;
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    if (!discarding_) {
      if (partial_.size() + piece.size() > max_line_) {
        discarding_ = true;
        ++dropped_;
        partial_.clear();
      } else {
        partial_.append(piece);
      }
    }
    if (nl == std::string_view::npos) break;
    if (!discarding_) lines.push_back(std::move(partial_));
    partial_.clear();
    discarding_ = false;
    bytes.remove_prefix(nl + 1);
  }
  return lines;
}

Heartbeat parse_heartbeat(const Message& msg) {
  const auto field = [&](const char* key) {
    const std::optional<std::string> text = msg.get(key);
    if (!text) throw ProtocolError(fmt::format("heartbeat {} lacks {}=", msg.seq, key));
    const std::optional<int64_t> value = parse_number<int64_t>(*text);
    if (!value) throw ProtocolError(fmt::format("heartbeat {}: {}={} is not an integer", msg.seq, key, *text));
    return *value;
  };
  return Heartbeat{
      .up_ms = field(KM_HB_UPTIME_MS),
      .started = field(KM_HB_STARTED),
      .finished = field(KM_HB_FINISHED),
      .killed = field(KM_HB_KILLED),
      .live = field(KM_HB_LIVE),
      .usage = field(KM_HB_USAGE),
      .failcnt = field(KM_HB_FAILCNT),
      .under_oom = field(KM_HB_UNDER_OOM),
      .oom_kills = field(KM_HB_OOM_KILLS),
      .cpu_user = field(KM_HB_CPU_USER),
      .cpu_sys = field(KM_HB_CPU_SYS),
      .cpu_idle = field(KM_HB_CPU_IDLE),
  };
}

std::optional<SequenceTracker::Gap> SequenceTracker::observe(uint64_t seq) {
  std::optional<Gap> gap;
  if (seq != expected_) gap = Gap{expected_, seq};
  if (seq > expected_) lost_ += seq - expected_;
  expected_ = seq + 1;
  return gap;
}

}  // namespace kmx::agent
