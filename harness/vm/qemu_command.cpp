#include "vm/qemu_command.h"

#include <fmt/format.h>

namespace kmx::vm {

QemuSockets qemu_sockets(const std::filesystem::path& socket_dir) {
  return {socket_dir / "qmp.sock", socket_dir / "console.sock", socket_dir / "agent.sock"};
}

std::vector<std::string> qemu_arguments(const VmConfig& config,
                                        const std::filesystem::path& socket_dir) {
  const QemuSockets sock = qemu_sockets(socket_dir);
  // QEMU's option syntax doubles a comma inside a value.
  const auto escaped = [](const std::filesystem::path& path) {
    std::string out;
    for (const char c : path.string()) out += c == ',' ? std::string(",,") : std::string(1, c);
    return out;
  };
  const auto chardev = [](const char* id, const std::filesystem::path& path, std::string extra) {
    return fmt::format("socket,id={},path={},server=on,wait=off{}", id, path.string(), extra);
  };
  std::vector<std::string> args = {
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
  const std::filesystem::path& memory = config.restore ? config.restore->memory : config.memory_file;
  std::string machine = kQemuMachine;
  if (!memory.empty()) {
    args.insert(args.end(), {"-object", fmt::format("memory-backend-file,id=ram,size={}M,mem-path={},share={}",
                                                    config.memory >> 20, escaped(memory), config.restore ? "off" : "on")});
    machine += ",memory-backend=ram";
  }
  args.insert(args.end(), {"-machine", machine});
  if (config.restore) args.insert(args.end(), {"-incoming", "defer"});
  return args;
}

namespace {

std::string shell_quoted(const std::filesystem::path& path) {
  std::string out = "'";
  for (const char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string migration_uri_to(const std::filesystem::path& state) { return "exec:cat > " + shell_quoted(state); }

}  // namespace kmx::vm
