#include "image/modules.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "image/modinfo.h"
#include "image/module_file.h"
#include "util/error.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

// What a modules dir offers, keyed by canonical module name.
struct ModuleIndex {
  std::map<std::string, fs::path> files;
  std::map<std::string, std::vector<std::string>> deps;  // from modules.dep; empty without one
  std::set<std::string> builtin;
  bool has_modules_dep = false;
};

std::optional<std::string> canonical_name_of(const fs::path& file) {
  auto name = module_name_of(file);
  if (!name) return std::nullopt;
  return canonical_module_name(*name);
}

// modules.dep lines: "kernel/fs/foo.ko.xz: kernel/lib/bar.ko.xz kernel/lib/baz.ko.xz".
void read_modules_dep(const fs::path& modules_dir, std::istream& in, ModuleIndex& index) {
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const fs::path file = line.substr(0, colon);
    const auto name = canonical_name_of(file);
    if (!name) continue;
    index.files[*name] = file.is_absolute() ? file : modules_dir / file;
    auto& deps = index.deps[*name];
    std::istringstream rest(line.substr(colon + 1));
    for (std::string dep; rest >> dep;)
      if (auto dep_name = canonical_name_of(dep)) deps.push_back(*dep_name);
  }
  index.has_modules_dep = true;
}

ModuleIndex index_modules(const fs::path& modules_dir) {
  ModuleIndex index;
  if (std::ifstream dep(modules_dir / "modules.dep"); dep) {
    read_modules_dep(modules_dir, dep, index);
  } else {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(modules_dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file())
        if (auto name = canonical_name_of(it->path())) index.files.emplace(*name, it->path());
    if (ec) throw HostError(fmt::format("{}: {}", modules_dir.string(), ec.message()));
  }
  std::ifstream builtin(modules_dir / "modules.builtin");
  for (std::string line; std::getline(builtin, line);)
    if (auto name = canonical_name_of(line)) index.builtin.insert(*name);
  return index;
}

class Closure {
 public:
  Closure(const fs::path& modules_dir, ModuleIndex index) : modules_dir_(modules_dir), index_(std::move(index)) {}

  void add(const std::string& wanted, const std::string& needed_by) {
    const std::string name = canonical_module_name(wanted);
    if (index_.builtin.contains(name) || !visited_.insert(name).second) return;
    const auto file = index_.files.find(name);
    if (file == index_.files.end()) {
      const std::string why = needed_by.empty() ? "" : fmt::format(" (needed by {})", needed_by);
      throw UsageError(fmt::format("module {}{} is neither built into kernel {} nor found under {}", wanted, why,
                                   modules_dir_.filename().string(), modules_dir_.string()));
    }
    for (const std::string& dep : deps_of(name, file->second)) add(dep, wanted);
    order_.push_back({*module_name_of(file->second), file->second});
  }

  std::vector<Module> take() { return std::move(order_); }

 private:
  std::vector<std::string> deps_of(const std::string& name, const fs::path& file) const {
    if (index_.has_modules_dep) return index_.deps.at(name);
    return module_depends(read_module_file(file), file.string());
  }

  fs::path modules_dir_;
  ModuleIndex index_;
  std::set<std::string> visited_;  // marked on entry, so a dependency cycle cannot recurse forever
  std::vector<Module> order_;
};

}  // namespace

std::vector<Module> module_closure(const fs::path& modules_dir, const std::vector<std::string>& names) {
  if (names.empty()) return {};
  if (modules_dir.empty())
    throw UsageError(fmt::format("module(s) {} needed, but the kernel has no modules_dir", fmt::join(names, ", ")));
  if (!fs::is_directory(modules_dir))
    throw UsageError(fmt::format("{}: modules_dir is not a directory", modules_dir.string()));
  Closure closure(modules_dir, index_modules(modules_dir));
  for (const std::string& name : names) closure.add(name, "");
  return closure.take();
}

ModuleNames module_names(const fs::path& modules_dir) {
  ModuleIndex index = index_modules(modules_dir);
  ModuleNames names{.files = {}, .builtin = std::move(index.builtin)};
  for (const auto& [name, file] : index.files) names.files.insert(name);
  return names;
}

}  // namespace kmx::image
