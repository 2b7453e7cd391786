// A real HTTP server on 127.0.0.1 for the download tests, in a child process
// so the tests may fork fetchers of their own. Serves files from a directory,
// logs each request line, and can answer slowly or break off a body. Also a
// port where nothing listens, for hosts that cannot download.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "util/read_file.h"

namespace kmx::testing {

class LocalHttpServer {
 public:
  struct Options {
    std::chrono::milliseconds delay{0};  // before each answer
    std::set<std::string> truncated;     // paths whose body stops halfway (Content-Length stays whole)
  };

  LocalHttpServer(std::filesystem::path root, std::filesystem::path log) : LocalHttpServer(root, log, Options{}) {}
  LocalHttpServer(std::filesystem::path root, std::filesystem::path log, Options options)
      : root_(std::move(root)), log_(std::move(log)), options_(std::move(options)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("test HTTP server: cannot listen on 127.0.0.1");
    port_ = ntohs(addr.sin_port);
    pid_ = ::fork();
    if (pid_ == 0) {
      serve();
      ::_exit(0);
    }
    ::close(fd_);
  }
  ~LocalHttpServer() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  // The request lines so far, e.g. "GET /k.rpm HTTP/1.1", one per line.
  std::string requests() const { return util::read_file(log_); }

 private:
  [[noreturn]] void serve() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string request;
      char buf[4096];
      ssize_t n;
      while (request.find("\r\n\r\n") == std::string::npos && (n = ::read(c, buf, sizeof buf)) > 0)
        request.append(buf, static_cast<size_t>(n));
      const std::string line = request.substr(0, request.find("\r\n"));
      std::ofstream(log_, std::ios::app) << line << "\n";
      std::this_thread::sleep_for(options_.delay);
      std::istringstream words(line);
      std::string method, path;
      words >> method >> path;
      std::ifstream file(root_ / path.substr(1), std::ios::binary);
      if (!file) {
        send(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      } else {
        const std::string body{std::istreambuf_iterator<char>(file), {}};
        send(c, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n");
        send(c, options_.truncated.contains(path) ? body.substr(0, body.size() / 2) : body);
      }
      ::close(c);
    }
  }

  static void send(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

  std::filesystem::path root_;
  std::filesystem::path log_;
  Options options_;
  int fd_ = -1;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A 127.0.0.1 port nobody listens on: a download from it fails at once, as on a host without a route.
inline int refused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);  // nobody listens there now
  return ntohs(addr.sin_port);
}

}  // namespace kmx::testing
