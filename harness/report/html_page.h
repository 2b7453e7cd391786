// What every kmatrix HTML page shares: one self-contained page (no script, no
// network: a Content-Security-Policy forbids both) with the reports' style,
// and tables of plain text cells, escaped. Pure.
#pragma once

#include <string>
#include <string_view>

#include "report/tables.h"

namespace kmx::report {

// `body` is markup already; `title` is text and is escaped.
std::string html_page(std::string_view title, std::string_view body);

// Every cell escaped: a cell name or console line holding markup shows as text.
std::string html_table(const Table& t, const char* id);

}  // namespace kmx::report
