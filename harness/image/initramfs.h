// The initramfs every cell of a kernel boots: the agent as /init and the
// modules the cells load, nothing else. Built once per content and cached.
#pragma once

#include <filesystem>
#include <vector>

#include "image/modules.h"

namespace kmx::image {

struct InitramfsSpec {
  std::filesystem::path agent;  // static binary, becomes /init
  std::vector<Module> modules;  // become /lib/kmatrix/<name>.ko, decompressed
};

// A gzip-compressed newc cpio at cache_dir/initramfs/<content hash>.cpio.gz;
// an existing one with the same content is reused.
std::filesystem::path build_initramfs(const InitramfsSpec& spec, const std::filesystem::path& cache_dir);

}  // namespace kmx::image
