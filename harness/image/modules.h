// Which module files a kernel needs loaded, in order, for a set of module names.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace kmx::image {

struct Module {
  std::string name;            // as the file is named: "brd" for brd.ko.xz
  std::filesystem::path file;  // under the modules dir; possibly compressed
};

// The named modules and everything they depend on, dependencies first (load
// order), each once. Built-in modules (modules.builtin) need nothing and are
// left out. Dependencies come from modules.dep when present, else from each
// module's .modinfo. UsageError naming the module and kernel if one is missing.
std::vector<Module> module_closure(const std::filesystem::path& modules_dir, const std::vector<std::string>& names);

// What a kernel's modules dir says, by canonical name (see canonical_module_name).
struct ModuleNames {
  std::set<std::string> files;    // module files under it: what a cell could load there
  std::set<std::string> builtin;  // listed in modules.builtin: built into the kernel, nothing to load
};
ModuleNames module_names(const std::filesystem::path& modules_dir);

}  // namespace kmx::image
