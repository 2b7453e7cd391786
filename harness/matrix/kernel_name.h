// What a kernel spec says about itself without reading the kernel: its
// version series, for cell names ("k6.1-...") and --filter's kernel=6.1.
#pragma once

#include <string>
#include <string_view>

namespace kmx::matrix {

// "debian:bookworm" -> "6.1" (the series a Debian release keeps); a path ->
// the first version in its file name ("/boot/vmlinuz-6.1.0-13-amd64" ->
// "6.1.0"); "" when the spec names none.
std::string kernel_version(std::string_view spec);

// The short form in a cell name: the version, else the codename of an unknown
// catalog name ("debian:forky" -> "forky"), else the file name.
std::string kernel_short(std::string_view spec);

// --filter's kernel=WANT: the spec itself, its codename, its short form, or a
// version prefix at a dot ("6" and "6.1" match 6.1.0; "6.1" does not match 6.12).
bool kernel_matches(std::string_view spec, std::string_view want);

}  // namespace kmx::matrix
