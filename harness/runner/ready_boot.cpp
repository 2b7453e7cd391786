#include "runner/ready_boot.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "agent/protocol.h"
#include "protocol.h"
#include "runner/interrupt.h"

namespace kmx::runner {

std::string boot_until_ready(vm::Backend& backend, const vm::VmConfig& config, std::chrono::milliseconds timeout,
                             const AtReady& at_ready) {
  boost::asio::io_context io;
  boost::asio::steady_timer deadline(io);
  agent::LineSplitter splitter;
  std::unique_ptr<vm::Guest> guest;
  std::string error;
  bool ready = false, succeeded = false;
  const auto stop = [&](const std::string& why) {
    if (error.empty() && !succeeded) error = why;
    guest->shutdown();
  };
  guest = backend.launch(
      io, config,
      {.on_running = {},
       .on_console = [](std::string_view) {},
       .on_agent =
           [&](std::string_view bytes) {
             for (const std::string& line : splitter.feed(bytes)) {
               const agent::ParseResult parsed = agent::parse_line(line);
               if (ready || parsed.status != agent::LineStatus::ok) continue;
               if (parsed.message.type == KM_MSG_ERROR) stop("the agent reported an error: " + line);
               if (parsed.message.type != KM_MSG_READY) continue;
               ready = true;
               at_ready(*guest, [&](const std::string& why) {
                 succeeded = why.empty();
                 stop(why);
               });
             }
           },
       .on_exit =
           [&](const std::string& how) {
             if (error.empty() && !succeeded) error = how;
             deadline.cancel();
             io.stop();
           },
       .on_error = [&](const std::string& why) { stop(why); }});
  deadline.expires_after(timeout);
  deadline.async_wait([&](boost::system::error_code ec) {
    if (!ec) stop(fmt::format("no ready within {} s", timeout.count() / 1000));
  });
  // A second SIGINT aborts what runs (interrupt.h): this boot too.
  boost::asio::steady_timer watch(io);
  std::function<void()> watch_interrupts = [&] {
    watch.expires_after(std::chrono::milliseconds(200));
    watch.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      if (abort_requested()) return stop("interrupted");
      watch_interrupts();
    });
  };
  watch_interrupts();
  io.run();
  return succeeded ? "" : error;
}

}  // namespace kmx::runner
