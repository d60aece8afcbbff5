// HAProxy's environment expansion (configuration manual 2.3): inside double
// quotes, `$NAME`, `${NAME}` and `${NAME-default}` are replaced by the
// variable's value (an unset variable by the default, or nothing); text in
// single quotes and outside quotes is kept as written, and `\$` keeps a
// literal dollar. A value that is one double-quoted string as a whole
// (no other quote, no backslash) loses its quotes: "${ADDR}:80" reads as
// 10.0.0.1:80 and `log_format = "%ci %r"` as the format, the word HAProxy
// would make of them. Inside longer values, a "…" segment that held a
// variable and expanded to one plain word loses its quotes too (`server =
// web1 "${DB}:5432"`: the same word for the rule splitter, sample/words.h,
// and readable by the plain-word parsers); other quotes stay. Pure: the
// variables come from <lookup>.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"

namespace common::config {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// <value> expanded; the names of variables that were unset and had no
// default go to <unset> (when given), in order.
std::string expand_env(std::string_view value, const EnvLookup& lookup, std::vector<std::string>* unset = nullptr);

// Every value of <doc> expanded; an unset variable without a default is a
// warning at its line (HAProxy expands it to nothing, silently).
IniDocument expand_env(IniDocument doc, const EnvLookup& lookup, Diagnostics& diagnostics);

}  // namespace common::config
