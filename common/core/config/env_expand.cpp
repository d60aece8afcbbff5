#include "common/core/config/env_expand.h"

#include <fmt/format.h>

namespace common::config {
namespace {

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

struct Expander {
  std::string_view in;
  const EnvLookup& lookup;
  std::vector<std::string>* unset;
  std::size_t i = 0;
  std::string out;

  void substitute(std::string_view name, std::optional<std::string_view> fallback) {
    if (auto value = lookup(name)) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else if (unset) {
      unset->emplace_back(name);
    }
  }

  // At '$' inside double quotes: a variable reference, or a literal '$'.
  void dollar() {
    if (i + 1 < in.size() && in[i + 1] == '{') {
      const auto close = in.find('}', i + 2);
      if (close != std::string_view::npos) {
        const auto body = in.substr(i + 2, close - i - 2);
        const auto dash = body.find('-');
        const auto name = body.substr(0, dash);
        if (!name.empty() && is_name_start(name[0])) {
          if (dash == std::string_view::npos) {
            substitute(name, std::nullopt);
          } else {
            substitute(name, body.substr(dash + 1));
          }
          i = close + 1;
          return;
        }
      }
    } else if (i + 1 < in.size() && is_name_start(in[i + 1])) {
      std::size_t end = i + 1;
      while (end < in.size() && is_name_char(in[end])) ++end;
      substitute(in.substr(i + 1, end - i - 1), std::nullopt);
      i = end;
      return;
    }
    out += in[i++];
  }

  std::string run() {
    char quote = 0;
    std::size_t opened = 0;  // where the current double-quoted segment starts in <out>
    bool expanded = false;   // ... and whether it held a variable
    while (i < in.size()) {
      const char c = in[i];
      if (c == '\\' && quote != '\'' && i + 1 < in.size()) {
        out.append(in.substr(i, 2));  // escapes are the word splitter's: kept
        i += 2;
      } else if (c == '$' && quote == '"') {
        expanded = true;
        dollar();
      } else if (c == quote) {
        quote = 0;
        out += in[i++];
        if (c == '"' && expanded) unquote_if_plain(opened);
      } else {
        if (quote == 0 && (c == '"' || c == '\'')) {
          quote = c;
          opened = out.size();
          expanded = false;
        }
        out += in[i++];
      }
    }
    return out;
  }

  // The segment "…" at <opened> that held a variable loses its quotes when
  // what it expanded to is one plain word ("${HOST}:80" in a server line):
  // the same word for the splitter, and readable by plain-word parsers.
  void unquote_if_plain(std::size_t opened) {
    const auto inner = std::string_view(out).substr(opened + 1, out.size() - opened - 2);
    if (inner.empty() || inner == "||" || inner == "or" || inner == "if" || inner == "unless") return;
    if (inner.front() == '-' || inner.front() == '!' || inner.front() == '{' || inner.front() == '}') return;
    if (inner.find_first_of(" \t\"'\\#") != std::string_view::npos) return;
    out = out.substr(0, opened) + std::string(inner);
  }
};

// True when <value> is "..." as a whole, with no other unescaped quote.
bool one_double_quoted(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\') return false;  // escapes: leave the value to the word splitter
    if (value[i] == '"') return false;
  }
  return true;
}

}  // namespace

std::string expand_env(std::string_view value, const EnvLookup& lookup, std::vector<std::string>* unset) {
  if (value.find('"') == std::string_view::npos) return std::string(value);
  const bool whole = one_double_quoted(value);
  std::string out = Expander{value, lookup, unset, 0, {}}.run();
  if (whole && one_double_quoted(out)) return out.substr(1, out.size() - 2);  // unless already unquoted
  return out;
}

IniDocument expand_env(IniDocument doc, const EnvLookup& lookup, Diagnostics& diagnostics) {
  for (auto& section : doc.sections) {
    for (auto& entry : section.entries) {
      std::vector<std::string> unset;
      entry.value = expand_env(entry.value, lookup, &unset);
      for (const auto& name : unset) {
        diagnostics.warning(
            doc.at(entry.line),
            fmt::format("key '{}': environment variable '{}' is not set (expanded to nothing)", entry.key, name));
      }
    }
  }
  return doc;
}

}  // namespace common::config
