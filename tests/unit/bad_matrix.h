// The bad matrix corpus, tests/data/matrix/bad/: each file's first line is
// "# expect: <the whole error message>", {dir} standing for that folder (an
// error in a file that one of them extends names the file it is in, under
// bad/bases/). The loader's tests and the binary's share it.
#pragma once

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace kmx::fixtures {

inline const std::filesystem::path kBadMatrices = std::filesystem::path(KMATRIX_TEST_DATA) / "matrix" / "bad";

inline std::vector<std::filesystem::path> bad_matrices() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kBadMatrices))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  return files;
}

// The message the file must fail with; "" when its first line is no "# expect: ".
inline std::string expected_error(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  const std::string marker = "# expect: ";
  if (!first.starts_with(marker)) return "";
  return std::regex_replace(first.substr(marker.size()), std::regex(R"(\{dir\})"), kBadMatrices.string());
}

}  // namespace kmx::fixtures
