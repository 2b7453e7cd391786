// The .modinfo section of a kernel module: NUL-separated "key=value" strings
// such as "depends=libcrc32c,nf_conntrack". Read from the ELF directly because
// Debian's kernel packages ship no modules.dep to take dependencies from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kmx::image {

// The values of `key` in the module's .modinfo, in file order. `what` names
// the module in the UsageError thrown when the bytes are not an ELF64 module.
std::vector<std::string> modinfo_values(std::string_view elf, std::string_view key, const std::string& what);

// The module's dependencies: the "depends=" entry split at commas.
std::vector<std::string> module_depends(std::string_view elf, const std::string& what);

}  // namespace kmx::image
