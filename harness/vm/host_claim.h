// That a kmatrix run on this machine uses a libvirt host, as a lock file
// named after the host's URI: a run holds it shared for as long as it is
// connected (the kernel lets go when kmatrix ends, however it ends), and
// `gc --volumes` deletes that host's uploads only while it holds it
// exclusively. So gc never deletes a kernel a live run may still boot, also
// between two cells when no domain shows it, and a run that starts
// meanwhile waits for gc to finish.
#pragma once

#include <filesystem>
#include <string>

namespace kmx::vm {

// /tmp/kmatrix-libvirt-hosts/<SHA-256 of the URI, 16 digits>.lock; the
// directory is made sticky and open to every user, as /tmp is, so that runs
// and gc of different users see the same claims. The host is known by its URI
// as given: the same host under two URIs is two claims.
std::filesystem::path host_claim_file(const std::string& uri);

}  // namespace kmx::vm
