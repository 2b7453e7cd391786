#include "image/kernel_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <initializer_list>

#include "image/module_file.h"

namespace kmx::image {

namespace {

constexpr KernelVersion kAny{0, 0, 0};
constexpr KernelVersion kNever{1 << 30, 0, 0};

// A way to satisfy a requirement: on kernels in [from, until), every option
// in `all_of` is built in (=y).
struct Alternative {
  KernelVersion from;
  KernelVersion until;
  std::vector<std::string_view> all_of;
};

enum class Need { always, cgroup_v1, cgroup_v2, swap_accounting, pid_namespace };

struct Requirement {
  std::string_view what;
  Need need;
  std::vector<Alternative> any_of;
};

// The table. Option renames: CGROUP_MEM_RES_CTLR became MEMCG in 3.6; the
// swap-accounting option was dropped in 6.1, where it is part of MEMCG with
// SWAP; the v1 interface became optional (MEMCG_V1, default off) in 6.11;
// the memory controller on cgroup2 is stable from 4.5.
const std::vector<Requirement>& requirements() {
  static const std::vector<Requirement> table = {
      {"memory cgroup", Need::always, {{kAny, kNever, {"CONFIG_MEMCG"}}, {kAny, kNever, {"CONFIG_CGROUP_MEM_RES_CTLR"}}}},
      {"cgroup v1 memory controller",
       Need::cgroup_v1,
       {{kAny, {6, 11, 0}, {"CONFIG_MEMCG"}},
        {kAny, {3, 6, 0}, {"CONFIG_CGROUP_MEM_RES_CTLR"}},
        {{6, 11, 0}, kNever, {"CONFIG_MEMCG", "CONFIG_MEMCG_V1"}}}},
      {"cgroup v2 memory controller", Need::cgroup_v2, {{{4, 5, 0}, kNever, {"CONFIG_MEMCG"}}}},
      {"swap accounting",
       Need::swap_accounting,
       {{kAny, {6, 1, 0}, {"CONFIG_SWAP", "CONFIG_MEMCG_SWAP"}},
        {kAny, {3, 6, 0}, {"CONFIG_SWAP", "CONFIG_CGROUP_MEM_RES_CTLR_SWAP"}},
        {{6, 1, 0}, kNever, {"CONFIG_SWAP", "CONFIG_MEMCG"}}}},
      {"PID namespaces", Need::pid_namespace, {{kAny, kNever, {"CONFIG_PID_NS"}}}},
      {"serial 8250 console", Need::always, {{kAny, kNever, {"CONFIG_SERIAL_8250", "CONFIG_SERIAL_8250_CONSOLE"}}}},
      {"devtmpfs", Need::always, {{kAny, kNever, {"CONFIG_DEVTMPFS"}}}},
      {"initramfs", Need::always, {{kAny, kNever, {"CONFIG_BLK_DEV_INITRD"}}}},
  };
  return table;
}

// The config option that builds each driver a cell may load.
struct Driver {
  std::string_view module;
  std::string_view option;
};
constexpr std::array kDrivers = {Driver{"brd", "CONFIG_BLK_DEV_RAM"}};

bool needed(Need need, const CellNeeds& n) {
  switch (need) {
    case Need::always: return true;
    case Need::cgroup_v1: return n.cgroup_v1;
    case Need::cgroup_v2: return n.cgroup_v2;
    case Need::swap_accounting: return n.swap_accounting;
    case Need::pid_namespace: return n.pid_namespace;
  }
  return true;
}

std::string describe(const Alternative& alt) {
  std::vector<std::string> parts;
  for (std::string_view o : alt.all_of) parts.push_back(fmt::format("{}=y", o));
  return fmt::format("{}", fmt::join(parts, " + "));
}

CheckItem check_requirement(const Requirement& r, const std::optional<KernelConfig>& config,
                            const KernelVersion& version, bool is_needed) {
  std::vector<const Alternative*> applicable;
  for (const Alternative& alt : r.any_of)
    if (version >= alt.from && version < alt.until) applicable.push_back(&alt);
  const CheckStatus if_absent = is_needed ? CheckStatus::missing : CheckStatus::not_needed;
  if (applicable.empty())
    return {std::string(r.what), if_absent, fmt::format("not available in Linux {}", version.str())};
  if (!config) return {std::string(r.what), CheckStatus::unknown, "no kernel config"};
  std::vector<std::string> tried;
  for (const Alternative* alt : applicable) {
    const bool all = std::ranges::all_of(alt->all_of, [&](std::string_view o) {
      const auto it = config->find(o);
      return it != config->end() && it->second == "y";
    });
    if (all) return {std::string(r.what), CheckStatus::ok, describe(*alt)};
    tried.push_back(describe(*alt));
  }
  return {std::string(r.what), if_absent, fmt::format("needs {}", fmt::join(tried, " or "))};
}

std::string_view option_of(std::string_view module) {
  const auto driver = std::ranges::find(kDrivers, module, &Driver::module);
  return driver == kDrivers.end() ? "" : driver->option;
}

std::string value_of(const std::optional<KernelConfig>& config, std::string_view option) {
  if (!config || option.empty()) return "";
  const auto it = config->find(option);
  return it == config->end() ? "" : it->second;
}

// How the kernel says `module` is built in ("CONFIG_BLK_DEV_RAM=y", "modules.builtin"), or nullopt.
std::optional<std::string> built_in_by(const std::string& module, const std::optional<KernelConfig>& config,
                                       const ModuleNames& modules) {
  const std::string_view option = option_of(module);
  if (value_of(config, option) == "y") return fmt::format("{}=y", option);
  if (modules.builtin.contains(canonical_module_name(module))) return "modules.builtin";
  return std::nullopt;
}

// `built_in`: built_in_by's answer for the module.
CheckItem check_driver(const std::string& module, const std::optional<KernelConfig>& config,
                       const ModuleNames& modules, const std::optional<std::string>& built_in) {
  const std::string what = "driver " + module;
  const std::string_view option = option_of(module);
  const std::string value = value_of(config, option);
  if (built_in) return {what, CheckStatus::ok, fmt::format("built in ({})", *built_in)};
  if (modules.files.contains(canonical_module_name(module))) return {what, CheckStatus::ok, "module in image"};
  if (value == "m") return {what, CheckStatus::missing, fmt::format("{}=m but the image has no {} module", option, module)};
  if (config && !option.empty()) return {what, CheckStatus::missing, fmt::format("{} is not set", option)};
  return {what, config ? CheckStatus::missing : CheckStatus::unknown, "no module file, and no config to say if it is built in"};
}

}  // namespace

CellNeeds CellNeeds::defaults() {
  return {.cgroup_v1 = true, .cgroup_v2 = false, .swap_accounting = true, .pid_namespace = true, .modules = {"brd"}};
}

KernelCheck check_kernel(const std::optional<KernelConfig>& config, const KernelVersion& version,
                         const ModuleNames& modules, const CellNeeds& needs) {
  KernelCheck check;
  check.config_known = config.has_value();
  for (const Requirement& r : requirements())
    check.items.push_back(check_requirement(r, config, version, needed(r.need, needs)));
  for (const std::string& m : needs.modules) {
    const std::optional<std::string> built_in = built_in_by(m, config, modules);
    check.items.push_back(check_driver(m, config, modules, built_in));
    if (built_in) check.built_in.insert(m);
  }
  return check;
}

bool KernelCheck::can_run() const {
  return std::ranges::none_of(items, [](const CheckItem& i) { return i.status == CheckStatus::missing; });
}

std::string KernelCheck::missing_summary() const {
  std::vector<std::string> parts;
  for (const CheckItem& i : items)
    if (i.status == CheckStatus::missing) parts.push_back(fmt::format("{} missing ({})", i.what, i.detail));
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::string_view to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::ok: return "ok";
    case CheckStatus::missing: return "MISSING";
    case CheckStatus::unknown: return "unknown";
    case CheckStatus::not_needed: return "-";
  }
  return "?";
}

}  // namespace kmx::image
