#include "image/image_store.h"

#include <fmt/format.h>

#include <fstream>

#include "util/atomic_file.h"
#include "util/complete_directory.h"
#include "util/error.h"

namespace kmx::image {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordFile = "image.json";

bool is_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void create_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw HostError(fmt::format("creating {}: {}", dir.string(), ec.message()));
}

std::uint64_t disk_usage(const fs::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
  return total;
}

}  // namespace

std::string name_key(std::string_view name) {
  std::string key(name);
  for (char& c : key)
    if (c == ':' || c == '/') c = '-';
  return key;
}

ImageStore::ImageStore(const fs::path& cache_dir) : root_(cache_dir / "images") {}

fs::path ImageStore::area(std::string_view area, std::string_view name) const {
  const fs::path dir = root_ / area / name_key(name);
  create_dirs(dir);
  return dir;
}

std::optional<ImageRecord> ImageStore::find(const std::string& sha256) const {
  std::ifstream in(entry_dir(sha256) / kRecordFile);
  if (!in) return std::nullopt;
  try {
    return record_from_json(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw HostError(fmt::format("{}: unreadable image record ({}); delete the entry to refetch",
                                (entry_dir(sha256) / kRecordFile).string(), e.what()));
  }
}

std::optional<ImageRecord> ImageStore::find_prefix(std::string_view prefix) const {
  std::optional<ImageRecord> found;
  for (const ImageRecord& r : all()) {
    if (!r.sha256.starts_with(prefix)) continue;
    if (found)
      throw UsageError(fmt::format("image {} is ambiguous: {} and {} both start with it", prefix, found->sha256, r.sha256));
    found = r;
  }
  return found;
}

std::vector<ImageRecord> ImageStore::all() const {
  std::vector<ImageRecord> records;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() == 64 && is_hex(name) && e.is_directory())
      if (auto r = find(name)) records.push_back(std::move(*r));
  }
  return records;
}

ImageRecord ImageStore::add(const std::string& sha256, const std::function<ImageRecord(const fs::path&)>& fill) {
  util::create_directory_once(entry_dir(sha256), [&](const fs::path& staging) {
    ImageRecord r = fill(staging);
    r.sha256 = sha256;
    r.size = disk_usage(staging);
    util::write_file_atomically(staging / kRecordFile, to_json(r).dump(2) + "\n");
  });
  if (auto r = find(sha256)) return *r;
  throw HostError(fmt::format("{}: entry without {}; delete it to refetch", entry_dir(sha256).string(), kRecordFile));
}

std::optional<std::string> ImageStore::read_small(const fs::path& file) const {
  std::ifstream in(file);
  std::string value;
  if (!(in >> value)) return std::nullopt;
  return value;
}

void ImageStore::write_small(const fs::path& file, const std::string& value) const {
  create_dirs(file.parent_path());
  util::write_file_atomically(file, value + "\n");
}

std::optional<std::string> ImageStore::ref(std::string_view name) const {
  return read_small(root_ / "refs" / name_key(name));
}
void ImageStore::set_ref(std::string_view name, const std::string& sha256) {
  write_small(root_ / "refs" / name_key(name), sha256);
}
fs::path ImageStore::pin_file(std::string_view name) const { return root_ / "pins" / name_key(name); }
std::optional<std::string> ImageStore::pin(std::string_view name) const { return read_small(pin_file(name)); }
void ImageStore::set_pin(std::string_view name, const std::string& sha256) { write_small(pin_file(name), sha256); }

util::FileLock ImageStore::lock_name(std::string_view name) const {
  create_dirs(root_ / "locks");
  return util::FileLock(root_ / "locks" / (name_key(name) + ".lock"));
}

}  // namespace kmx::image
