#include "proxyd/core/haproxy_cfg/lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "common/core/text.h"
#include "proxyd/core/haproxy_cfg/condition.h"

namespace proxyd::haproxy_cfg {
namespace {

using common::config::Diagnostics;
using common::config::EnvLookup;

constexpr std::array<std::string_view, 13> kSectionKeywords{
    "global", "defaults", "frontend", "backend", "listen",      "resolvers", "userlist",
    "peers",  "mailers",  "program",  "cache",   "http-errors", "ring"};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Cuts one line into words; see lexer.h.
class LineLexer {
 public:
  LineLexer(std::string_view text, const EnvLookup& env, const std::vector<std::pair<std::string, std::string>>& pseudo)
      : text_(text), env_(env), pseudo_(pseudo) {}

  // The words, or the reason the line cannot be read.
  common::Result<std::vector<CfgWord>> run() {
    for (i_ = 0; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      if (single_) {
        c == '\'' ? void(single_ = false) : append(c);
      } else if (c == '\\') {
        escape();
      } else if (double_) {
        if (c == '"') {
          double_ = false;
        } else if (c == '$') {
          expand();
        } else {
          append(c);
        }
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        end_word();
      } else if (c == '#') {
        break;
      } else if (c == '\'' || c == '"') {
        (c == '\'' ? single_ : double_) = true;
        start(true);
      } else {
        append(c);
      }
    }
    if (!error_.empty()) return common::fail("{}", error_);
    if (single_ || double_) return common::fail("unterminated {} quote", single_ ? "single" : "double");
    end_word();
    return std::move(words_);
  }

  const std::vector<std::string>& unset() const { return unset_; }

 private:
  void start(bool quoted) {
    if (!open_) words_.push_back({});
    open_ = true;
    if (quoted) words_.back().quoted = true;
  }
  void append(char c) {
    start(false);
    words_.back().text += c;
  }
  void end_word() { open_ = false; }

  void escape() {
    if (i_ + 1 >= text_.size()) return append('\\');
    const char n = text_[++i_];
    start(true);
    switch (n) {
      case 'n':
        return append('\n');
      case 'r':
        return append('\r');
      case 't':
        return append('\t');
      case 'x':
        if (i_ + 2 < text_.size() && hex_value(text_[i_ + 1]) >= 0 && hex_value(text_[i_ + 2]) >= 0) {
          append(static_cast<char>(hex_value(text_[i_ + 1]) * 16 + hex_value(text_[i_ + 2])));
          i_ += 2;
          return;
        }
        error_ = "\\x needs two hexadecimal digits";
        return;
      case ' ':
      case '\t':
      case '#':
      case '\\':
      case '\'':
      case '"':
      case '$':
        return append(n);
      default:
        break;
    }
    append('\\');  // not an escape: kept, so "\." and "\1" reach a regex
    append(n);
  }

  // `$NAME`, `${NAME}`, `${NAME-default}`, `${NAME[*]}` inside double quotes.
  void expand() {
    std::string name;
    std::optional<std::string> fallback;
    bool split = false;
    if (i_ + 1 < text_.size() && text_[i_ + 1] == '{') {
      const auto close = text_.find('}', i_ + 2);
      if (close == std::string_view::npos || text_.substr(i_, close - i_).find('"') != std::string_view::npos) {
        error_ = "'${' without its closing '}' in the same quotes";
        return;
      }
      auto inside = text_.substr(i_ + 2, close - i_ - 2);
      i_ = close;
      if (const auto dash = inside.find('-'); dash != std::string_view::npos) {
        fallback = std::string(inside.substr(dash + 1));
        inside = inside.substr(0, dash);
      }
      if (inside.ends_with("[*]")) {
        split = true;
        inside.remove_suffix(3);
      }
      name = std::string(inside);
    } else {
      std::size_t end = i_ + 1;
      if (end < text_.size() && text_[end] == '.') ++end;  // .FILE .LINE .SECTION
      while (end < text_.size() && is_name_char(text_[end])) ++end;
      name = std::string(text_.substr(i_ + 1, end - i_ - 1));
      if (name.empty()) return append('$');
      i_ = end - 1;
    }
    insert(lookup(name, fallback), split);
  }

  std::string lookup(const std::string& name, const std::optional<std::string>& fallback) {
    for (const auto& [key, value] : pseudo_) {
      if (key == name) return value;
    }
    if (auto value = env_(name)) return *value;
    if (fallback) return *fallback;
    unset_.push_back(name);
    return {};
  }

  void insert(const std::string& value, bool split) {
    start(true);
    if (!split) {
      words_.back().text += value;
      return;
    }
    const auto items = common::text::split_words(value);
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (k > 0) words_.push_back({"", true});
      words_.back().text += items[k];
    }
  }

  std::string_view text_;
  const EnvLookup& env_;
  const std::vector<std::pair<std::string, std::string>>& pseudo_;
  std::vector<CfgWord> words_;
  std::vector<std::string> unset_;
  std::size_t i_ = 0;
  std::string error_;  // the first malformed escape or variable
  bool single_ = false;
  bool double_ = false;
  bool open_ = false;
};

// One level of .if/.elif/.else/.endif.
struct Level {
  bool parent_active = true;
  bool taken = false;  // a branch of this level was chosen
  bool active = false;
  bool seen_else = false;
  int line = 0;
};

// The preprocessor: which lines are kept, and the directives' reports.
class Preprocessor {
 public:
  Preprocessor(const EnvLookup& env, Diagnostics& diagnostics,
               const std::function<common::config::Location(int)>& where)
      : env_(env), diagnostics_(diagnostics), where_(where) {}

  bool active() const { return levels_.empty() || levels_.back().active; }

  // Handles the directive line <words> (the first starts with '.').
  void directive(const std::vector<CfgWord>& words, int line) {
    const auto& name = words[0].text;
    if (name == ".if" || name == ".elif") return condition(name == ".if", words, line);
    if (name == ".else") return otherwise(line);
    if (name == ".endif") {
      if (levels_.empty()) return diagnostics_.error(where_(line), "'.endif' without '.if'");
      levels_.pop_back();
      return;
    }
    if (!active()) return;
    const auto message = words.size() > 1 ? words[1].text : std::string();
    if (name == ".notice") return diagnostics_.notice(where_(line), message);
    if (name == ".warning") return diagnostics_.warning(where_(line), message);
    if (name == ".alert") return diagnostics_.error(where_(line), message);
    if (name == ".diag") return;  // HAProxy prints these only with -dD
    diagnostics_.error(where_(line), fmt::format("unknown directive '{}' (.if .elif .else .endif .diag .notice "
                                                 ".warning .alert)",
                                                 name));
  }

  void finish() {
    for (const auto& level : levels_) diagnostics_.error(where_(level.line), "'.if' without '.endif'");
  }

 private:
  void condition(bool opens, const std::vector<CfgWord>& words, int line) {
    if (opens) {
      levels_.push_back({active(), false, false, false, line});
    } else if (levels_.empty() || levels_.back().seen_else) {
      return diagnostics_.error(where_(line), "'.elif' without '.if', or after '.else'");
    }
    auto& level = levels_.back();
    level.active = false;
    if (!level.parent_active || level.taken) return;
    std::string expression;
    for (std::size_t k = 1; k < words.size(); ++k) expression += (k > 1 ? " " : "") + words[k].text;
    const auto value = evaluate_condition(expression, env_);
    if (!value) return diagnostics_.error(where_(line), value.error().message);
    level.active = level.taken = *value;
  }

  void otherwise(int line) {
    if (levels_.empty() || levels_.back().seen_else) {
      return diagnostics_.error(where_(line), "'.else' without '.if', or a second '.else'");
    }
    auto& level = levels_.back();
    level.seen_else = true;
    level.active = level.parent_active && !level.taken;
    level.taken = true;
  }

  const EnvLookup& env_;
  Diagnostics& diagnostics_;
  const std::function<common::config::Location(int)>& where_;
  std::vector<Level> levels_;
};

bool needs_quotes(const std::string& text) {
  return text.empty() || std::any_of(text.begin(), text.end(), [](char c) {
           return c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '\\' || c == '#' || c == '$' ||
                  static_cast<unsigned char>(c) < 0x20;
         });
}

}  // namespace

bool has_feature(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kFeatures{"EPOLL",    "OPENSSL",      "PCRE2",        "PCRE2_JIT",
                                                              "THREAD",   "CPU_AFFINITY", "LINUX_SPLICE", "ACCEPT4",
                                                              "LIBCRYPT", "GETADDRINFO"};
  return std::find(kFeatures.begin(), kFeatures.end(), name) != kFeatures.end();
}

std::string quote_word(const CfgWord& word) {
  if (!word.quoted && !needs_quotes(word.text)) return word.text;
  const bool controls =
      std::any_of(word.text.begin(), word.text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (word.text.find('\'') == std::string::npos && !controls) return "'" + word.text + "'";
  std::string out = "\"";
  for (const char c : word.text) {
    if (c == '"' || c == '\\' || c == '$') out += '\\';
    if (c == '\n' || c == '\r' || c == '\t') {
      out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string CfgLine::tail(std::size_t first) const {
  std::string out;
  for (std::size_t k = first; k < words.size(); ++k) {
    if (k > first) out += ' ';
    out += quote_word(words[k]);
  }
  return out;
}

std::string CfgLine::plain(std::size_t first) const {
  std::string out;
  for (std::size_t k = first; k < words.size(); ++k) out += (k > first ? " " : "") + words[k].text;
  return out;
}

std::vector<CfgLine> lex(std::string_view text, const EnvLookup& env, Diagnostics& diagnostics,
                         const std::function<common::config::Location(int)>& where, int line_offset) {
  std::vector<CfgLine> out;
  Preprocessor pre(env, diagnostics, where);
  std::vector<std::pair<std::string, std::string>> pseudo{
      {".FILE", where(line_offset + 1).file}, {".LINE", ""}, {".SECTION", ""}};
  int number = line_offset;
  for (std::size_t at = 0; at < text.size();) {
    const auto newline = std::min(text.find('\n', at), text.size());
    const auto raw = text.substr(at, newline - at);
    at = newline + 1;
    ++number;
    const auto trimmed = common::text::trim(raw);
    const bool is_directive = trimmed.starts_with('.');
    if (trimmed.empty() || trimmed.starts_with('#') || (!is_directive && !pre.active())) continue;
    pseudo[1].second = std::to_string(number - line_offset);
    LineLexer lexer(raw, env, pseudo);
    auto words = lexer.run();
    if (!words) {
      diagnostics.error(where(number), words.error().message);
      continue;
    }
    if (words->empty()) continue;
    if (is_directive) {
      pre.directive(*words, number);
      continue;
    }
    for (const auto& name : lexer.unset()) {
      diagnostics.warning(where(number),
                          fmt::format("environment variable '{}' is not set (expanded to nothing)", name));
    }
    const auto& first = words->front().text;
    if (std::find(kSectionKeywords.begin(), kSectionKeywords.end(), first) != kSectionKeywords.end()) {
      pseudo[2].second = words->size() > 1 ? (*words)[1].text : first;
    }
    out.push_back({std::move(*words), number});
  }
  pre.finish();
  return out;
}

}  // namespace proxyd::haproxy_cfg
