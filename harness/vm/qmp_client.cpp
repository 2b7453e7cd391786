#include "vm/qmp_client.h"

#include <istream>
#include <memory>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace kmx::vm {

namespace asio = boost::asio;

QmpClient::QmpClient(asio::io_context& io) : socket_(io) {}

void QmpClient::start(asio::local::stream_protocol::socket socket, std::function<void()> on_ready,
                      std::function<void(const std::string&)> on_failure,
                      std::function<void(const nlohmann::json&)> on_event) {
  socket_ = std::move(socket);
  on_ready_ = std::move(on_ready);
  on_failure_ = std::move(on_failure);
  on_event_ = std::move(on_event);
  read_next();
}

void QmpClient::execute(const std::string& command, nlohmann::json arguments, Reply reply) {
  if (!socket_.is_open()) {
    if (reply) reply(nullptr, "QMP connection is closed");
    return;
  }
  const uint64_t id = next_id_++;
  nlohmann::json message = {{"execute", command}, {"id", id}};
  if (!arguments.is_null()) message["arguments"] = std::move(arguments);
  pending_.push_back({id, command, std::move(reply)});
  auto text = std::make_shared<std::string>(message.dump() + "\n");
  asio::async_write(socket_, asio::buffer(*text), [this, text](boost::system::error_code ec, size_t) {
    if (ec) fail("QMP write: " + ec.message());
  });
}

void QmpClient::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void QmpClient::read_next() {
  asio::async_read_until(socket_, buffer_, '\n', [this](boost::system::error_code ec, size_t) {
    if (ec) {
      // A closed socket after "quit" is the normal end, not a failure.
      if (ec != asio::error::operation_aborted && !pending_.empty()) fail("QMP read: " + ec.message());
      return;
    }
    std::istream in(&buffer_);
    std::string line;
    std::getline(in, line);
    nlohmann::json message = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      fail("QMP sent a line that is not JSON: " + line.substr(0, 200));
      return;
    }
    handle(message);
    if (socket_.is_open()) read_next();
  });
}

void QmpClient::handle(const nlohmann::json& message) {
  if (!greeted_ && message.contains("QMP")) {
    greeted_ = true;
    execute("qmp_capabilities", nullptr, [this](const nlohmann::json&, const std::string& error) {
      if (!error.empty()) return fail("qmp_capabilities: " + error);
      if (on_ready_) on_ready_();
    });
    return;
  }
  if (message.contains("event")) {
    if (on_event_) on_event_(message);
    return;
  }
  if (pending_.empty()) return;  // an answer nobody waits for
  Pending request = std::move(pending_.front());
  pending_.pop_front();
  if (message.value("id", uint64_t{0}) != request.id) {
    fail("QMP answer out of order for " + request.command);
    return;
  }
  if (!request.reply) return;
  if (message.contains("error"))
    request.reply(nullptr, message["error"].value("desc", message["error"].dump()));
  else
    request.reply(message.value("return", nlohmann::json::object()), "");
}

void QmpClient::fail(const std::string& why) {
  close();
  pending_.clear();
  if (on_failure_) on_failure_(why);
}

}  // namespace kmx::vm
