// Snapshots through libvirt: a guest booted to the agent's `ready` is saved
// with virDomainSaveFlags into a save image (its whole RAM and device state),
// a volume of the host's kmatrix storage pool wherever the host keeps it, and each cell restores it
// with virDomainRestoreFlags, paused, so that its consoles are open before
// it runs. No shared filesystem: the image stays on its host; the kmatrix
// cache keeps only the marker that it is complete (snapshot_cache.h), and the
// snapshot key holds the host. libvirt restores an image only under the name
// and UUID it was saved with, so one domain per image runs at a time.
#pragma once

#include <string>

#include <libvirt/libvirt.h>

#include "vm/backend.h"
#include "vm/libvirt_domain_xml.h"
#include "vm/libvirt_handle.h"

namespace kmx::vm {

// The save image of snapshot `key` (`state`: its volume's name in the pool), and the name of its domain.
SnapshotFiles libvirt_snapshot_files(const std::string& key);

// Whether the host has the image and libvirt reads its header and XML.
bool libvirt_snapshot_readable(virConnectPtr conn, const std::string& host, const SnapshotFiles& files);

// Why the image cannot be restored now: its domain runs on the host (another
// run's, or one left behind that `kmatrix gc` destroys); "" when it can.
std::string libvirt_snapshot_in_use(virConnectPtr conn, const std::string& host, const SnapshotFiles& files);

// Deletes the host's image, if there is one; HostError naming the host when libvirt refuses.
void delete_libvirt_snapshot(virConnectPtr conn, const std::string& host, const SnapshotFiles& files);

// Saves the running `dom` (which then ends) to the image of `files`; "" or what libvirt said.
std::string save_libvirt_domain(virConnectPtr conn, const std::string& host, virDomainPtr dom,
                                const SnapshotFiles& files);

// Restores `files`, paused, carrying `tag`; HostError naming the host when libvirt refuses.
DomainHandle restore_libvirt_domain(virConnectPtr conn, const std::string& host, const SnapshotFiles& files,
                                    const DomainTag& tag);

}  // namespace kmx::vm
