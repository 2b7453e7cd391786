// A thin RAII layer over SQLite's C API: a connection and prepared
// statements with typed bind/column helpers. Errors are HostErrors naming
// the database file and SQLite's message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kmx::history {

class Statement;

class Database {
 public:
  explicit Database(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);  // one or more statements, no results
  // As exec, but false when another connection holds the lock (SQLITE_BUSY
  // or SQLITE_LOCKED) instead of an error.
  bool try_exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  int changes() const;  // rows changed by the last statement
  const std::filesystem::path& path() const { return path_; }
  [[noreturn]] void fail(std::string_view what) const;

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Parameters are 1-based, as in SQL's ?1.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::nullopt_t);

  bool step();   // true while a row is available
  void reset();  // ready to bind and run again

  std::string text(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed. IMMEDIATE takes
// the write lock up front, so two writers wait on the busy timeout instead
// of deadlocking on a lock upgrade.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace kmx::history
