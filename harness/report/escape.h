// Making untrusted text (cell names, console lines, agent messages) safe for
// each output format. Everything a report prints from a run goes through one
// of these.
#pragma once

#include <string>
#include <string_view>

namespace kmx::report {

// For HTML and XML: & < > " ' as entities (safe in element content and
// quoted attributes); control characters XML 1.0 forbids (a console's ESC,
// NUL, ...) and bytes that are not UTF-8 become U+FFFD, so the document
// stays well-formed.
std::string markup_escape(std::string_view text);

// RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled.
// A field a spreadsheet would run as a formula (= + - @ first) gets a
// leading apostrophe (OWASP's CSV injection advice).
std::string csv_field(std::string_view text);

// One Markdown table cell: | escaped, newlines as spaces, HTML as entities
// (GitHub renders inline HTML).
std::string markdown_cell(std::string_view text);

}  // namespace kmx::report
