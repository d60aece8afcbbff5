// keepalived.conf's lexical rules (keepalived.conf(5) of Keepalived 2.2.7,
// "CONFIGURATION FILE" and "PARAMETER SUBSTITUTION"): lines cut into words
// at blanks; `#` and `!` start a comment outside quotes; "…" and '…' quote
// (quotes removed, blanks kept, \n \t \r \xXX … escapes resolved inside
// them; quoted and bare parts glued into one word); unquoted `{` and `}` are
// words of their own wherever they stand. Before the words are cut:
// `@ID line` / `@^ID line` keep the line only on the node whose config-id
// is (is not) ID; `$NAME=VALUE` defines a parameter (a trailing `\`
// continues it on the next line) and `$NAME` / `${NAME}` are replaced by it
// (an undefined name stays as written; predefined `${_PWD}`, `${_INSTANCE}`,
// `${_HASH}`, `${_BANG}`); `include PATTERN` (and includer/includem/
// includew/includeb/includea) reads the files the pattern names in place.
// `~SEQ`/`~LST` and `${_RANDOM}` are refused with the line written out.
// Pure: files come from <include>.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"

namespace vrrpd::keepalived_conf {

struct SourceFile {
  std::string name;
  std::string text;
};

// The files an include line names. <pattern> as written (after parameter
// substitution), <directory> the including file's (relative patterns are
// relative to it), <keyword> the include keyword (its checks: includer …).
// Errors are messages for the include line.
struct IncludeResult {
  std::vector<SourceFile> files;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};
using IncludeLoader =
    std::function<IncludeResult(std::string_view pattern, std::string_view directory, std::string_view keyword)>;

struct LexOptions {
  std::string config_id;  // -i / --config-id, else the host name up to its first dot
  IncludeLoader include;  // empty: include lines are errors
};

struct KaWord {
  std::string text;     // quotes removed, escapes resolved
  bool quoted = false;  // any part of it was quoted
  friend bool operator==(const KaWord&, const KaWord&) = default;
};

struct KaLine {
  std::vector<KaWord> words;  // at least one; `{` and `}` are words of their own (unquoted)
  int line = 0;               // in <doc>'s numbering (IniDocument::at gives file:line)
};

// The lines of <file> and of the files it includes. Each file's lines are
// numbered on in <doc> (its spans are appended), so <doc>.at(line) names
// the file and line a word came from.
std::vector<KaLine> lex(const SourceFile& file, const LexOptions& options, common::config::IniDocument& doc,
                        common::config::Diagnostics& diagnostics);

// The directory part of <path> ("." when it has none).
std::string directory_of(std::string_view path);

}  // namespace vrrpd::keepalived_conf
