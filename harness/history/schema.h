// The history database's schema, versioned in SQLite's user_version and
// brought up to date by numbered migrations, one transaction each.
#pragma once

#include "history/sqlite.h"

namespace kmx::history {

// The version this kmatrix writes: the number of migrations.
int schema_version();

// Applies the missing migrations. Safe when several processes open a new
// database at once (the version is re-read under the write lock). A database
// from a newer kmatrix is refused (UsageError), never downgraded.
void migrate(Database& db);

}  // namespace kmx::history
