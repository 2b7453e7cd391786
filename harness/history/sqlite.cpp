#include "history/sqlite.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "util/error.h"

namespace kmx::history {

Database::Database(const std::filesystem::path& path) : path_(path) {
  if (::sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
    const std::string message = db_ ? ::sqlite3_errmsg(db_) : "out of memory";
    ::sqlite3_close(db_);
    throw HostError(fmt::format("{}: cannot open the history database: {}", path.string(), message));
  }
}

Database::~Database() { ::sqlite3_close(db_); }

void Database::fail(std::string_view what) const {
  throw HostError(fmt::format("{}: {}: {}", path_.string(), what, ::sqlite3_errmsg(db_)));
}

void Database::exec(std::string_view sql) {
  if (!try_exec(sql)) fail(std::string(sql.substr(0, 60)));
}

bool Database::try_exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = ::sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;
  if (rc != SQLITE_OK) fail(text.substr(0, 60));
  return true;
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (::sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    fail(fmt::format("preparing '{}'", sql.substr(0, 60)));
  return Statement(*this, stmt);
}

int Database::changes() const { return ::sqlite3_changes(db_); }

Statement::~Statement() { ::sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::bind(int index, std::string_view text) {
  if (::sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_->fail("bind");
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  if (::sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_->fail("bind");
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  if (::sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_->fail("bind");
  return *this;
}

bool Statement::step() {
  const int rc = ::sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail(fmt::format("running '{}'", std::string_view(::sqlite3_sql(stmt_)).substr(0, 60)));
}

void Statement::reset() {
  ::sqlite3_reset(stmt_);
  ::sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(::sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<size_t>(::sqlite3_column_bytes(stmt_, column))) : std::string();
}

int64_t Statement::integer(int column) const { return ::sqlite3_column_int64(stmt_, column); }

bool Statement::is_null(int column) const { return ::sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const HostError&) {
    // Unwinding already; SQLite rolls back an open transaction when the connection closes.
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace kmx::history
