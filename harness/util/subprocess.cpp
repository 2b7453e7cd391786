#include "util/subprocess.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2.hpp>

#include "util/error.h"

namespace kmx::util {

namespace bp = boost::process::v2;
namespace asio = boost::asio;

CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& cwd) {
  // A name with a slash is a path, as for execvp(3).
  const bp::filesystem::path exe =
      program.find('/') == std::string::npos ? bp::environment::find_executable(program) : program;
  if (exe.empty()) throw HostError(fmt::format("{}: command not found in PATH", program));

  asio::io_context ctx;
  asio::readable_pipe out_pipe(ctx), err_pipe(ctx);
  CommandResult result;
  try {
    bp::process proc(ctx, exe, args, bp::process_stdio{nullptr, out_pipe, err_pipe},
                     bp::process_start_dir{cwd.empty() ? std::filesystem::current_path() : cwd});
    // Both pipes are drained together so a chatty stderr cannot block the child.
    auto ignore_eof = [](boost::system::error_code, std::size_t) {};
    asio::async_read(out_pipe, asio::dynamic_buffer(result.out), ignore_eof);
    asio::async_read(err_pipe, asio::dynamic_buffer(result.err), ignore_eof);
    ctx.run();
    result.exit_code = proc.wait();
  } catch (const boost::system::system_error& e) {
    throw HostError(fmt::format("running {}: {}", program, e.what()));
  }
  return result;
}

}  // namespace kmx::util
