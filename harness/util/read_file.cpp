#include "util/read_file.h"

#include <fstream>
#include <iterator>

namespace kmx::util {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace kmx::util
