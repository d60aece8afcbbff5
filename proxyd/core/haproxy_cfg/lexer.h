// haproxy.cfg's lexical rules (HAProxy's configuration manual, 2.2 to 2.4):
// lines cut into words at blanks; `#` starts a comment outside quotes;
// backslash escapes outside single quotes (`\ ` `\#` `\\` `\'` `\"` `\$`,
// `\n` `\r` `\t` `\xNN`); weak "…" quoting, in which `$VAR`, `${VAR}` and
// `${VAR-default}` are expanded (and `${VAR[*]}` gives one word per
// space-separated item); strong '…' quoting, in which nothing is. Variables
// are expanded only within double quotes, as HAProxy (a bare `$X` stays as
// written). The preprocessor lines `.if/.elif/.else/.endif` choose the lines
// kept, and `.diag/.notice/.warning/.alert` report. Pure: the environment
// comes from <env>.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"
#include "common/core/config/env_expand.h"

namespace proxyd::haproxy_cfg {

struct CfgWord {
  std::string text;     // quotes removed, escapes and variables resolved
  bool quoted = false;  // any part of it was quoted or escaped
  friend bool operator==(const CfgWord&, const CfgWord&) = default;
};

struct CfgLine {
  std::vector<CfgWord> words;  // at least one
  int line = 0;                // as numbered by the caller (line_offset + line in the file)

  std::string_view word(std::size_t i) const { return i < words.size() ? std::string_view(words[i].text) : ""; }
  // Words from <first> on, written back for proxyd's rule splitter
  // (sample/words.h): bare where they can be, quoted where they must.
  std::string tail(std::size_t first) const;
  // Words from <first> on joined by spaces, as they are (values read by
  // plain-word parsers: paths, hashes, cipher lists).
  std::string plain(std::size_t first) const;
};

// What the conditions ask about: HAProxy's version proxyd reads files of,
// and the build features it has (feature(OPENSSL) ...).
inline constexpr std::string_view kHaproxyVersion = "2.6";
bool has_feature(std::string_view name);

// The kept lines of <text> (a file named <file>, whose line n is numbered
// <line_offset> + n). Errors (an unterminated quote, a .if without .endif,
// a bad condition, .alert) and the .notice/.warning messages go to
// <diagnostics> at <where>(line).
std::vector<CfgLine> lex(std::string_view text, const common::config::EnvLookup& env,
                         common::config::Diagnostics& diagnostics,
                         const std::function<common::config::Location(int)>& where, int line_offset = 0);

// One word written for sample/words.h: bare if nothing in it needs quoting
// (and it was not quoted), else in single or double quotes.
std::string quote_word(const CfgWord& word);

}  // namespace proxyd::haproxy_cfg
