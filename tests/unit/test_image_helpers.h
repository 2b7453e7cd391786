// Synthetic kernel artefacts for the image tests: bzImage headers, ELF
// modules with a .modinfo section, scratch directories.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/read_file.h"
#include "util/subprocess.h"

namespace kmx::image::testing {

// A fresh directory per test, removed afterwards.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("kmx-image-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

using util::read_file;

// The boot header fields read_bzimage_version looks at, and nothing else.
inline std::string fake_bzimage(const std::string& version) {
  std::string image(0x1000, '\0');
  std::memcpy(&image[0x202], "HdrS", 4);
  const unsigned pointer = 0x100;  // the string lives at pointer + 0x200
  image[0x20E] = static_cast<char>(pointer & 0xff);
  image[0x20F] = static_cast<char>(pointer >> 8);
  std::memcpy(&image[0x200 + pointer], version.c_str(), version.size() + 1);
  return image;
}

// A bzImage whose protected-mode part (after 7 setup sectors + the boot
// sector: 4 KiB) is `payload`, as the boot header's payload fields say: what
// the compressed vmlinux of a real image is.
inline std::string fake_bzimage_with_payload(const std::string& version, const std::string& payload) {
  std::string image = fake_bzimage(version);
  image[0x1F1] = 7;  // setup_sects: the protected-mode code starts at (7 + 1) * 512 = 0x1000
  image[0x206] = 0x0F;  // boot protocol 2.15
  image[0x207] = 0x02;
  for (int i = 0; i < 4; ++i) {
    image[0x248 + i] = 0;  // payload_offset
    image[0x24C + i] = static_cast<char>((payload.size() >> (8 * i)) & 0xff);  // payload_length
  }
  return image + payload;
}

// A minimal relocatable ELF64 with sections: null, .modinfo, .shstrtab.
inline std::string fake_module(const std::vector<std::string>& modinfo) {
  std::string info;
  for (const std::string& s : modinfo) info += s + '\0';
  const std::string names = std::string("\0.modinfo\0.shstrtab\0", 20);

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_REL;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  eh.e_shstrndx = 2;
  const uint64_t info_off = sizeof(Elf64_Ehdr);
  const uint64_t names_off = info_off + info.size();
  eh.e_shoff = names_off + names.size();

  Elf64_Shdr sh[3]{};
  sh[1].sh_name = 1;
  sh[1].sh_type = SHT_PROGBITS;
  sh[1].sh_offset = info_off;
  sh[1].sh_size = info.size();
  sh[2].sh_name = 10;
  sh[2].sh_type = SHT_STRTAB;
  sh[2].sh_offset = names_off;
  sh[2].sh_size = names.size();

  std::string elf(reinterpret_cast<const char*>(&eh), sizeof eh);
  elf += info + names;
  elf.append(reinterpret_cast<const char*>(sh), sizeof sh);
  return elf;
}

// `bytes` through one of libarchive's raw compressors, as a distribution's
// .ko.gz or .ko.xz would be; `add_filter` is archive_write_add_filter_gzip etc.
inline std::string compress(const std::string& bytes, int (*add_filter)(archive*)) {
  std::string out(bytes.size() + 4096, '\0');
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  add_filter(a);
  archive_write_open_memory(a, out.data(), out.size(), &used);
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
  archive_write_header(a, e);
  archive_write_data(a, bytes.data(), bytes.size());
  archive_write_close(a);
  archive_entry_free(e);
  archive_write_free(a);
  out.resize(used);
  return out;
}

// The config as CONFIG_IKCONFIG embeds it: gzip between IKCFG_ST and IKCFG_ED.
inline std::string ikconfig_blob(const std::string& config) {
  return std::string("\x7f" "ELF...kernel text...IKCFG_ST") + compress(config, archive_write_add_filter_gzip) +
         "IKCFG_ED...more kernel";
}

// Builds a kernel RPM with rpmbuild, laid out as CentOS's are:
// /boot/vmlinuz-<release>, /boot/config-<release>, /lib/modules/<release>/...
// `files` maps paths under that root to their bytes. Returns the .rpm, or an
// empty path if rpmbuild is not installed.
inline std::filesystem::path build_rpm(const std::filesystem::path& work, const std::string& name,
                                       const std::vector<std::pair<std::string, std::string>>& files) {
  namespace fs = std::filesystem;
  const fs::path root = work / (name + "-root");
  for (const auto& [path, bytes] : files) write_file(root / path, bytes);
  write_file(work / (name + ".spec"),
             "Name: " + name + "\nVersion: 1\nRelease: 1\nSummary: test kernel\nLicense: GPL\nAutoReqProv: no\n"
             "%define debug_package %{nil}\n%define __os_install_post %{nil}\n%global _build_id_links none\n"
             "%description\ntest kernel\n%install\ncp -a " + root.string() + "/. %{buildroot}/\n"
             "%files\n/*\n");
  const fs::path out = work / (name + "-out");
  // xz payloads, as CentOS 6 and 7 ship.
  const util::CommandResult r = util::run_command(
      "rpmbuild", {"-bb", "--quiet", "--nodeps", "--target", "x86_64", "--define", "_topdir " + (work / "top").string(),
                   "--define", "_rpmdir " + out.string(), "--define", "_binary_payload w2.xzdio",
                   (work / (name + ".spec")).string()});
  if (r.exit_code != 0) throw std::runtime_error("rpmbuild failed: " + r.err);
  return out / "x86_64" / (name + "-1-1.x86_64.rpm");
}

// The names in `dir`, sorted; none if it does not exist.
inline std::vector<std::string> dir_entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline bool have_rpmbuild() { return std::system("command -v rpmbuild >/dev/null 2>&1") == 0; }

}  // namespace kmx::image::testing

// CI installs rpm (ci/setup.sh); elsewhere the RPM tests say why they skip.
#define KMX_REQUIRE_RPMBUILD()                   \
  if (!::kmx::image::testing::have_rpmbuild()) \
  GTEST_SKIP() << "rpmbuild is not installed (Debian package rpm; ci/setup.sh installs it)"
