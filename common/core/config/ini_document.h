// An INI file as data: ordered sections of ordered key/value entries, each
// with its line number. Parsing is pure (text in, document out) and built on
// inih; reading the file is the caller's job.
//
// Dialect: `[kind]` or `[kind name]` headers; `key = value` (or `key: value`);
// whole-line comments start with ';' or '#', inline comments with " ;".
// Leading blanks are ignored (indenting is safe: no continuation lines).
// Repeated keys are kept in order; whether a key may repeat is the schema's
// business (config_table.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"

namespace common::config {

struct IniEntry {
  std::string key;
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string kind;  // "backend" in [backend app_pool]
  std::string name;  // "app_pool"; empty for [global]
  int line = 0;
  std::vector<IniEntry> entries;

  // "[backend app_pool]" as written in messages.
  std::string title() const;
};

// One file of a document read from several (haproxy.cfg's `-f` repeated):
// its lines are numbered from <first_line> on in the document.
// A file may also continue after another (keepalived.conf's include): its
// span then starts at <file_line>.
struct IniFileSpan {
  int first_line = 1;
  std::string file;
  int file_line = 1;  // the file's own number of the document's <first_line>
};

struct IniDocument {
  std::string file;
  std::vector<IniSection> sections;
  // Several files: the document's line numbers run on from one file to
  // the next; at() gives back each file's own name and line.
  std::vector<IniFileSpan> spans;

  Location at(int line) const;
};

// Longest line accepted (inih's fixed line buffer, minus the terminator).
inline constexpr std::size_t kMaxIniLine = 199;

// Parses <text>; syntax errors go to <diagnostics> and parsing continues, so
// every error in the file is reported at once.
IniDocument parse_ini(std::string_view text, std::string_view file, Diagnostics& diagnostics);

}  // namespace common::config
