// A QEMU Machine Protocol client over a unix socket, asynchronous on Asio.
// Commands are queued and answered in order (QMP answers in order; "id"
// double-checks it); asynchronous events are passed to a callback.
#pragma once

#include <deque>
#include <functional>
#include <string>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/streambuf.hpp>
#include <nlohmann/json.hpp>

namespace kmx::vm {

class QmpClient {
 public:
  // result: the "return" member, or an exception message in `error` (empty on success).
  using Reply = std::function<void(const nlohmann::json& result, const std::string& error)>;

  explicit QmpClient(boost::asio::io_context& io);

  // Takes a connected socket; reads the greeting, negotiates capabilities,
  // then calls on_ready (or on_failure).
  void start(boost::asio::local::stream_protocol::socket socket, std::function<void()> on_ready,
             std::function<void(const std::string&)> on_failure,
             std::function<void(const nlohmann::json&)> on_event);

  void execute(const std::string& command, nlohmann::json arguments = nullptr, Reply reply = {});
  void close();

 private:
  struct Pending {
    uint64_t id;
    std::string command;
    Reply reply;
  };
  void read_next();
  void handle(const nlohmann::json& message);
  void fail(const std::string& why);

  boost::asio::local::stream_protocol::socket socket_;
  boost::asio::streambuf buffer_;
  std::deque<Pending> pending_;
  uint64_t next_id_ = 1;
  bool greeted_ = false;
  std::function<void()> on_ready_;
  std::function<void(const std::string&)> on_failure_;
  std::function<void(const nlohmann::json&)> on_event_;
};

}  // namespace kmx::vm
