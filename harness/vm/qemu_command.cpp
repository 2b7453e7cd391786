#include "vm/qemu_command.h"

#include <fmt/format.h>

namespace kmx::vm {

QemuSockets qemu_sockets(const std::filesystem::path& socket_dir) {
  return {socket_dir / "qmp.sock", socket_dir / "console.sock", socket_dir / "agent.sock"};
}

std::vector<std::string> qemu_arguments(const VmConfig& config,
                                        const std::filesystem::path& socket_dir) {
  const QemuSockets sock = qemu_sockets(socket_dir);
  const auto chardev = [](const char* id, const std::filesystem::path& path, std::string extra) {
    return fmt::format("socket,id={},path={},server=on,wait=off{}", id, path.string(), extra);
  };
  return {
      "-S",
      "-nodefaults",
      "-no-user-config",
      "-no-reboot",
      "-display", "none",
      "-accel", config.accel,
      "-cpu", config.accel == "kvm" ? "host" : "max",
      "-smp", std::to_string(config.cpus),
      "-m", fmt::format("{}M", config.memory >> 20),
      "-kernel", config.kernel.string(),
      "-initrd", config.initramfs.string(),
      "-append", config.cmdline,
      // QEMU itself logs the console, so the evidence survives even if the
      // harness dies mid-cell.
      "-chardev", chardev("con", sock.console, ",logfile=" + (config.evidence_dir / "console.log").string()),
      "-serial", "chardev:con",
      "-chardev", chardev("agt", sock.agent, ""),
      "-serial", "chardev:agt",
      "-qmp", fmt::format("unix:{},server=on,wait=off", sock.qmp.string()),
  };
}

}  // namespace kmx::vm
