// `kmatrix image list|fetch|import|check|snapshots`: the kernel image cache,
// and the snapshots of guests booted from its kernels.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "image/catalog.h"
#include "image/catalog_link.h"
#include "image/image_fetch.h"
#include "image/image_import.h"
#include "image/image_store.h"
#include "image/kernel.h"
#include "image/kernel_version.h"
#include "image/oom_family.h"
#include "runner/snapshot_list.h"
#include "util/error.h"

namespace kmx::cli {

namespace fs = std::filesystem;

namespace {

struct ImageOptions {
  fs::path cache_dir;  // empty: image::default_cache_dir()
  fs::path catalog;    // empty: image::default_catalog_path()
  std::vector<std::string> names;
  image::ImportRequest import;
  std::string spec;
  fs::path modules_dir;
  fs::path config;
  std::string cgroup = "v1";
  int prune_days = -1;  // image snapshots --prune DAYS; -1: list only
  bool dry_run = false;

  fs::path cache() const { return cache_dir.empty() ? image::default_cache_dir() : cache_dir; }
  image::Catalog load() const { return image::load_catalog(catalog.empty() ? image::default_catalog_path() : catalog); }
};

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

std::string megabytes(std::uint64_t bytes) { return fmt::format("{:.0f}M", static_cast<double>(bytes) / (1 << 20)); }

// `name`: what the image is now known as, which for a fetch can be an earlier import (catalog_link.h).
void print_record(std::string_view name, const image::ImageRecord& r) {
  fmt::print("{} {} ({}, {}, {}) sha256 {}\n", name, r.release, r.distro, r.oom_family, megabytes(r.size), r.sha256);
}

int list(const ImageOptions& o) {
  const image::Catalog catalog = o.load();
  image::ImageStore store(o.cache());
  std::map<std::string, image::ImageRecord> cached;
  for (image::ImageRecord& r : store.all()) cached.emplace(r.sha256, std::move(r));

  constexpr auto kRow = "{:<26} {:<26} {:>6}  {:<12}  {}\n";
  fmt::print(kRow, "NAME", "RELEASE", "SIZE", "SHA256", "SOURCE");
  for (const image::CatalogEntry& e : catalog.entries) {
    const auto sha = store.ref(e.name);
    const auto it = sha ? cached.find(*sha) : cached.end();
    if (it == cached.end()) {
      fmt::print(kRow, e.name, "(not fetched)", "", e.sha256 ? short_sha(*e.sha256) : "",
                 e.is_debian() ? e.description : e.url);
      continue;
    }
    fmt::print(kRow, e.name, it->second.release, megabytes(it->second.size), short_sha(it->first),
               it->second.source);
    cached.erase(it);
  }
  // What no catalog name points at now: imports, and older fetches.
  for (const auto& [sha, r] : cached)
    fmt::print(kRow, r.name.empty() ? "(imported)" : fmt::format("({} before)", r.name), r.release,
               megabytes(r.size), short_sha(sha), r.source);
  fmt::print("cache: {}\n", store.root().string());
  return kExitOk;
}

int fetch(const ImageOptions& o) {
  const image::Catalog catalog = o.load();
  image::ImageStore store(o.cache());
  for (const std::string& name : o.names) print_record(name, image::fetch_image(catalog.at(name), store));
  return kExitOk;
}

int import(const ImageOptions& o) {
  const image::Catalog catalog = o.load();
  image::ImageStore store(o.cache());
  const image::ImageRecord r = image::import_image(o.import, store);
  print_record("imported", r);
  std::fflush(stdout);  // the record before a warning, also when both go to one pipe
  if (const auto link = image::link_import(o.import.path, r, catalog, store))
    fmt::print(link->linked ? stdout : stderr, "{}{}\n", link->linked ? "" : "kmatrix: warning: ", link->message);
  return kExitOk;
}

int check(const ImageOptions& o) {
  const image::Kernel k = image::resolve_kernel(o.spec, o.modules_dir, o.cache());
  image::Kernel checked = k;
  if (!o.config.empty()) checked.config = o.config;
  image::CellNeeds needs = image::CellNeeds::defaults();
  needs.cgroup_v1 = o.cgroup == "v1";
  needs.cgroup_v2 = o.cgroup == "v2";
  const image::KernelReport report = image::check_kernel_image(checked, needs);
  const auto& family = image::oom_family_of(k.release);

  fmt::print("kernel    {}\n", k.spec);
  fmt::print("image     {}\n", k.bzimage.string());
  fmt::print("release   {} (version {})\n", k.release, image::parse_kernel_version(k.release)->str());
  fmt::print("header    {}\n", k.version_string);
  fmt::print("distro    {}\n", k.distro);
  fmt::print("oom       {}: {}\n", image::to_string(family.family), family.evidence);
  fmt::print("modules   {}\n", k.modules_dir.empty() ? "(none)" : k.modules_dir.string());
  fmt::print("config    {}\n", report.config_origin.empty() ? "(none: no config file, no IKCONFIG)" : report.config_origin);
  fmt::print("checks for cells with cgroup {}, a memory+swap limit, a PID namespace and swap on brd:\n", o.cgroup);
  for (const image::CheckItem& i : report.check.items)
    fmt::print("  {:<8} {:<28} {}\n", image::to_string(i.status), i.what, i.detail);
  std::fflush(stdout);  // the report before the error line, also when both go to one pipe
  if (!report.check.can_run())
    throw UsageError(fmt::format("kernel {} ({}) cannot run kmatrix cells: {}", k.spec, k.release,
                                 report.check.missing_summary()));
  fmt::print("result    {}\n", report.check.config_known ? "can run kmatrix cells"
                                                          : "unknown: no config to check; boot it to find out");
  return kExitOk;
}

std::string age(fs::file_time_type then) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(fs::file_time_type::clock::now() - then).count();
  return hours < 48 ? fmt::format("{}h ago", hours) : fmt::format("{}d ago", hours / 24);
}

int snapshots(const ImageOptions& o) {
  const std::vector<runner::SnapshotInfo> all = runner::list_snapshots(o.cache());
  constexpr auto kRow = "{:<17} {:<34} {:>6} {:>4} {:>7}  {}\n";
  fmt::print(kRow, "KEY", "KERNEL", "MEMORY", "CPUS", "DISK", "LAST USED");
  uint64_t total = 0;
  for (const runner::SnapshotInfo& s : all) {
    total += s.disk_bytes;
    fmt::print(kRow, s.key, s.kernel.empty() ? "sha256 " + short_sha(s.parts.value("kernel_sha256", "")) : s.kernel,
               megabytes(s.parts.value("memory", uint64_t{0})), s.parts.value("cpus", 0), megabytes(s.disk_bytes),
               age(s.last_used));
  }
  fmt::print("{} snapshot(s), {} on disk in {}\n", all.size(), megabytes(total), (o.cache() / "snapshots").string());
  if (o.prune_days < 0) return kExitOk;
  const auto stale = runner::stale_snapshots(all, fs::file_time_type::clock::now(), std::chrono::hours(24 * o.prune_days));
  uint64_t freed = 0;
  for (const runner::SnapshotInfo& s : stale) {
    if (!o.dry_run) runner::remove_snapshot(s.dir);
    freed += s.disk_bytes;
    fmt::print("{} {}: not restored from in {} day(s)\n", s.key, o.dry_run ? "would be deleted" : "deleted", o.prune_days);
  }
  fmt::print("{} snapshot(s) {}, {}\n", stale.size(), o.dry_run ? "would be pruned" : "pruned", megabytes(freed));
  return kExitOk;
}

}  // namespace

Command add_image_command(CLI::App& app) {
  auto o = std::make_shared<ImageOptions>();
  CLI::App* cmd = app.add_subcommand("image", "List, fetch, import and check kernel images (the image cache)");
  cmd->require_subcommand(1);
  cmd->add_option("--cache", o->cache_dir, "kmatrix cache (default: $XDG_CACHE_HOME/kmatrix); images live in its images/");
  cmd->add_option("--catalog", o->catalog, "Image catalog (default: $KMATRIX_CATALOG, else images/catalog.toml)");
  cmd->footer(R"(
Examples:
  kmatrix image list                       catalog names, what is cached, sizes and SHA-256s
  kmatrix image fetch debian:trixie        download Debian 13's kernel from this host's apt mirror
  kmatrix image import kernel-2.6.32-431.el6.x86_64.rpm
                                           the vault's RPM brought by hand: centos:6.5 now uses it
  kmatrix image check centos:6.5           can this kernel run kmatrix cells? (exit 2 if not)
  kmatrix image snapshots --prune 14       delete the saved guests no cell restored from in 14 days

A matrix names a kernel by catalog name, by cache SHA-256 (12+ digits), or by bzImage path.)");

  CLI::App* list_cmd = cmd->add_subcommand("list", "Catalog entries and cached images (release, size, sha256, source)");
  CLI::App* fetch_cmd = cmd->add_subcommand("fetch", "Download catalog images into the cache (refreshes Debian suites)");
  fetch_cmd->add_option("name", o->names, "Catalog names, e.g. debian:trixie centos:6.5")->required();
  CLI::App* import_cmd =
      cmd->add_subcommand("import", "Add a kernel RPM, .deb, /boot/vmlinuz-* (+ its /lib/modules) or bzImage");
  import_cmd->add_option("path", o->import.path, "The package or bzImage")->required();
  import_cmd->add_option("--modules", o->import.modules_dir, "With a bzImage: its /lib/modules/<release> directory");
  import_cmd->add_option("--config", o->import.config, "With a bzImage: its kernel config");
  CLI::App* check_cmd = cmd->add_subcommand(
      "check", "Read a kernel's header, config and modules, and say whether it can run kmatrix cells");
  check_cmd->add_option("kernel", o->spec, "Catalog name, cache SHA-256, or bzImage path")->required();
  check_cmd->add_option("--modules", o->modules_dir, "With a bzImage path: its /lib/modules/<release>");
  check_cmd->add_option("--config", o->config, "Check against this config instead of the image's");
  check_cmd->add_option("--cgroup", o->cgroup, "Cgroup version the cells use")->check(CLI::IsMember({"v1", "v2"}));

  CLI::App* snapshots_cmd = cmd->add_subcommand(
      "snapshots", "Booted guests saved for restoring (docs/running.md): kernel, shape, disk use, last use; pruning");
  snapshots_cmd->add_option("--prune", o->prune_days, "Delete the snapshots no cell restored from in this many days")
      ->check(CLI::NonNegativeNumber);
  snapshots_cmd->add_flag("--dry-run", o->dry_run, "With --prune: only say what would be deleted");

  return [o, list_cmd, fetch_cmd, import_cmd, check_cmd, snapshots_cmd] {
    if (list_cmd->parsed()) return list(*o);
    if (snapshots_cmd->parsed()) return snapshots(*o);
    if (fetch_cmd->parsed()) return fetch(*o);
    if (import_cmd->parsed()) return import(*o);
    if (check_cmd->parsed()) return check(*o);
    return kExitUsage;
  };
}

}  // namespace kmx::cli
