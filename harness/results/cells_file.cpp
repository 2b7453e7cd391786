#include "results/cells_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "util/error.h"

namespace kmx::results {

CellsFile parse_cells_jsonl(std::string_view text, const std::string& origin) {
  CellsFile f;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    const size_t nl = text.find('\n', pos);
    const bool last = nl == std::string_view::npos || nl + 1 == text.size();
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    const bool valid = nl != std::string_view::npos && record.is_object() && record.contains("cell_id");
    if (!valid) {
      if (!last) throw UsageError(fmt::format("{}:{}: not a cell record", origin, line_no));
      f.torn_tail = std::string(text.substr(pos));
      break;
    }
    f.records.push_back(std::move(record));
    pos = nl + 1;
    f.intact_bytes = pos;
  }
  return f;
}

CellsFile read_cells_file(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / "cells.jsonl";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return {};
    throw_errno("reading " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_cells_jsonl(text.str(), path.string());
}

std::pair<std::string, int> record_key(const nlohmann::json& record) {
  return {record.at("cell_id").get<std::string>(), record.value("repeat", 0)};
}

}  // namespace kmx::results
