#include "image/modinfo.h"

#include <elf.h>
#include <fmt/format.h>

#include <cstring>

#include "util/error.h"

namespace kmx::image {

namespace {

// Copies a T out of `bytes` at `offset`, or throws if it does not fit: the
// file is untrusted and may be truncated or misaligned.
template <typename T>
T read_at(std::string_view bytes, uint64_t offset, const std::string& what) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T))
    throw UsageError(fmt::format("{}: truncated ELF file", what));
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

std::string_view section_bytes(std::string_view elf, const Elf64_Shdr& sh, const std::string& what) {
  if (sh.sh_type == SHT_NOBITS) return {};
  if (sh.sh_offset > elf.size() || elf.size() - sh.sh_offset < sh.sh_size)
    throw UsageError(fmt::format("{}: ELF section lies outside the file", what));
  return elf.substr(sh.sh_offset, sh.sh_size);
}

std::string_view find_modinfo(std::string_view elf, const std::string& what) {
  const auto eh = read_at<Elf64_Ehdr>(elf, 0, what);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
    throw UsageError(fmt::format("{}: not an ELF64 kernel module", what));
  if (eh.e_shstrndx >= eh.e_shnum) throw UsageError(fmt::format("{}: ELF file has no section names", what));
  auto header = [&](unsigned i) { return read_at<Elf64_Shdr>(elf, eh.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr), what); };
  const std::string_view names = section_bytes(elf, header(eh.e_shstrndx), what);
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr sh = header(i);
    if (sh.sh_name >= names.size()) continue;
    const std::string_view name = names.substr(sh.sh_name);
    if (name.substr(0, name.find('\0')) == ".modinfo") return section_bytes(elf, sh, what);
  }
  throw UsageError(fmt::format("{}: not a kernel module (no .modinfo section)", what));
}

}  // namespace

std::vector<std::string> modinfo_values(std::string_view elf, std::string_view key, const std::string& what) {
  std::vector<std::string> values;
  std::string_view rest = find_modinfo(elf, what);
  while (!rest.empty()) {
    const std::string_view entry = rest.substr(0, rest.find('\0'));
    rest.remove_prefix(std::min(rest.size(), entry.size() + 1));
    if (entry.size() > key.size() && entry.starts_with(key) && entry[key.size()] == '=')
      values.emplace_back(entry.substr(key.size() + 1));
  }
  return values;
}

std::vector<std::string> module_depends(std::string_view elf, const std::string& what) {
  std::vector<std::string> deps;
  for (const std::string& list : modinfo_values(elf, "depends", what)) {
    std::string_view rest = list;
    while (!rest.empty()) {
      const std::string_view dep = rest.substr(0, rest.find(','));
      if (!dep.empty()) deps.emplace_back(dep);
      rest.remove_prefix(std::min(rest.size(), dep.size() + 1));
    }
  }
  return deps;
}

}  // namespace kmx::image
