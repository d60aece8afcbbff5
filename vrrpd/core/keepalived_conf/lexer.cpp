#include "vrrpd/core/keepalived_conf/lexer.h"

#include <fmt/format.h>

#include <map>
#include <optional>

namespace vrrpd::keepalived_conf {
namespace {

using common::config::Diagnostics;
using common::config::IniDocument;

constexpr int kMaxIncludeDepth = 8;
constexpr int kMaxSubstitutionDepth = 16;
constexpr std::size_t kMaxLine = 1024;            // keepalived's MAXBUF
constexpr std::size_t kMaxExpansion = 64 * 1024;  // bytes a line's parameters may expand to
constexpr std::size_t kCallCost = 16;             // what one substitution counts for against it

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// <line> without its comment: from the first `#` or `!` outside quotes.
std::string_view strip_comment(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == '\\' && i + 1 < line.size()) {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' || c == '!') {
      return line.substr(0, i);
    }
  }
  return line;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The escape at <s>[i] (just after the backslash) appended to <out>; returns
// the characters it used.
std::size_t escape(std::string_view s, std::size_t i, std::string& out) {
  static constexpr std::string_view kFrom = "abEfnrtv";
  static constexpr std::string_view kTo = "\a\b\x1b\f\n\r\t\v";
  const char c = s[i];
  if (const auto at = kFrom.find(c); at != std::string_view::npos) {
    out += kTo[at];
    return 1;
  }
  if (c == 'x' && i + 1 < s.size() && hex_value(s[i + 1]) >= 0) {
    int value = hex_value(s[i + 1]);
    std::size_t used = 2;
    if (i + 2 < s.size() && hex_value(s[i + 2]) >= 0) value = value * 16 + hex_value(s[i + 2]), used = 3;
    out += static_cast<char>(value);
    return used;
  }
  if (c >= '0' && c <= '7') {
    int value = 0;
    std::size_t used = 0;
    while (used < 3 && i + used < s.size() && s[i + used] >= '0' && s[i + used] <= '7') {
      value = value * 8 + (s[i + used] - '0');
      ++used;
    }
    out += static_cast<char>(value & 0xff);
    return used;
  }
  if (c == 'c' && i + 1 < s.size()) {
    out += static_cast<char>(s[i + 1] & 0x1f);
    return 2;
  }
  out += c;
  return 1;
}

// The words of <line> (comment already removed). False on an unterminated quote.
bool split_words(std::string_view line, std::vector<KaWord>& words) {
  KaWord word;
  bool in_word = false;
  auto finish = [&] {
    if (in_word) words.push_back(std::move(word));
    word = {};
    in_word = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (is_blank(c)) {
      finish();
    } else if (c == '{' || c == '}') {
      finish();
      words.push_back({std::string(1, c), false});
    } else if (c == '"' || c == '\'') {
      in_word = true;
      word.quoted = true;
      std::size_t j = i + 1;
      for (; j < line.size() && line[j] != c; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) {
          j += escape(line, j + 1, word.text);
        } else {
          word.text += line[j];
        }
      }
      if (j >= line.size()) return false;
      i = j;
    } else {
      in_word = true;
      word.text += c;
    }
  }
  finish();
  return true;
}

bool is_include(std::string_view word) {
  return word == "include" || word == "includer" || word == "includem" || word == "includew" || word == "includeb" ||
         word == "includea";
}

class Lexer {
 public:
  Lexer(const LexOptions& options, IniDocument& doc, Diagnostics& diagnostics)
      : options_(options), doc_(doc), diagnostics_(diagnostics) {}

  void file(const SourceFile& f, int depth);
  std::vector<KaLine> take() { return std::move(out_); }

 private:
  struct Place {
    std::string directory;
    int line = 0;
    int depth = 0;
  };
  void logical_line(std::string_view text, const Place& at);
  void words_line(std::string_view text, const Place& at);
  bool definition(std::string_view text, std::string& name, std::string& value) const;
  std::string substitute(std::string_view text, const Place& at, int depth);
  void include(const std::vector<KaWord>& words, const Place& at);
  void error(int line, std::string message) { diagnostics_.error(doc_.at(line), std::move(message)); }

  const LexOptions& options_;
  IniDocument& doc_;
  Diagnostics& diagnostics_;
  std::map<std::string, std::string, std::less<>> params_;
  std::vector<KaLine> out_;
  int last_line_ = 0;       // the document's last numbered line
  std::size_t budget_ = 0;  // what parameter substitution may still spend on this line
};

void Lexer::file(const SourceFile& f, int depth) {
  const auto directory = directory_of(f.name);
  doc_.spans.push_back({last_line_ + 1, f.name, 1});
  std::string_view text = f.text;
  std::string pending_name, pending_value;  // a $NAME=VALUE continued with '\'
  int pending_line = 0;
  for (int file_line = 1; !text.empty(); ++file_line) {
    const auto end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const int line = ++last_line_;
    if (raw.size() > kMaxLine) diagnostics_.warning(doc_.at(line), "line longer than keepalived's 1024 bytes");
    if (!pending_name.empty()) {
      const auto piece = trim(strip_comment(raw));
      const bool more = piece.ends_with('\\');
      pending_value += "\n" + std::string(more ? trim(piece.substr(0, piece.size() - 1)) : piece);
      if (!more) params_[pending_name] = pending_value, pending_name.clear();
      continue;
    }
    std::string name, value;
    if (definition(raw, name, value)) {
      if (value.ends_with('\\')) {
        pending_name = name, pending_value = std::string(trim(value.substr(0, value.size() - 1)));
        pending_line = line;
      } else {
        params_[name] = value;
      }
      continue;
    }
    logical_line(raw, {directory, line, depth});
    // An include read other files: this file goes on after them.
    if (last_line_ != line) doc_.spans.push_back({last_line_ + 1, f.name, file_line + 1});
  }
  if (!pending_name.empty()) error(pending_line, fmt::format("${} continues past the end of the file", pending_name));
}

// `$NAME=VALUE` (only blanks before `$`, none before `=`).
bool Lexer::definition(std::string_view text, std::string& name, std::string& value) const {
  text = trim(strip_comment(text));
  if (text.size() < 3 || text[0] != '$' || !is_name_start(text[1])) return false;
  std::size_t i = 1;
  while (i < text.size() && is_name_char(text[i])) ++i;
  if (i >= text.size() || text[i] != '=') return false;
  name = std::string(text.substr(1, i - 1));
  value = std::string(trim(text.substr(i + 1)));
  return true;
}

void Lexer::logical_line(std::string_view raw, const Place& at) {
  std::string_view text = trim(strip_comment(raw));
  if (text.empty()) return;
  if (text[0] == '@') {
    const bool negated = text.size() > 1 && text[1] == '^';
    const auto blank = text.find_first_of(" \t");
    const auto id =
        text.substr(negated ? 2 : 1, blank == std::string_view::npos ? text.npos : blank - (negated ? 2 : 1));
    if ((id == options_.config_id) == negated) return;
    text = blank == std::string_view::npos ? std::string_view() : trim(text.substr(blank));
    if (text.empty()) return;
  }
  budget_ = kMaxExpansion;
  const auto expanded = substitute(text, at, 0);
  if (budget_ == 0) return error(at.line, "parameters expand to more than 64 KiB on this line");
  std::string_view rest = expanded;
  while (true) {  // a multi-line parameter gives several lines
    const auto cut = rest.find('\n');
    words_line(trim(rest.substr(0, cut)), at);
    if (cut == std::string_view::npos) break;
    rest = rest.substr(cut + 1);
  }
}

void Lexer::words_line(std::string_view text, const Place& at) {
  if (text.empty()) return;
  if (text.find("~SEQ") != std::string_view::npos || text.find("~LST") != std::string_view::npos) {
    error(at.line, "~SEQ/~LST line repetition is not supported by vrrpd's reader: write the lines out");
    return;
  }
  KaLine out{{}, at.line};
  if (!split_words(text, out.words)) {
    error(at.line, "unterminated quoted string");
    return;
  }
  if (out.words.empty()) return;
  if (!out.words[0].quoted && is_include(out.words[0].text)) {
    include(out.words, at);
    return;
  }
  out_.push_back(std::move(out));
}

void Lexer::include(const std::vector<KaWord>& words, const Place& at) {
  if (words.size() < 2) return error(at.line, fmt::format("'{}' needs a file name or pattern", words[0].text));
  if (at.depth >= kMaxIncludeDepth) return error(at.line, "includes nested deeper than 8 files (a loop?)");
  if (!options_.include) return error(at.line, "include is not available here");
  const auto found = options_.include(words[1].text, at.directory, words[0].text);
  for (const auto& e : found.errors) error(at.line, e);
  for (const auto& w : found.warnings) diagnostics_.warning(doc_.at(at.line), w);
  for (const auto& f : found.files) file(f, at.depth + 1);
}

// $NAME (followed by a blank or the end) and ${NAME} replaced, recursively.
std::string Lexer::substitute(std::string_view text, const Place& at, int depth) {
  if (depth > kMaxSubstitutionDepth) {
    error(at.line, "parameters nested deeper than 16 (a parameter that names itself?)");
    return std::string(text);
  }
  // Each call and each byte spend the line's budget: parameters that repeat
  // each other ($A=$B $B, $B=$C $C …) cannot blow up time or memory.
  if (budget_ < kCallCost + text.size()) {
    budget_ = 0;
    return {};
  }
  budget_ -= kCallCost;
  std::string out;
  for (std::size_t i = 0; i < text.size() && budget_ != 0; ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    const bool braced = text[i + 1] == '{';
    const std::size_t start = i + (braced ? 2 : 1);
    std::size_t end = start;
    while (end < text.size() && is_name_char(text[end])) ++end;
    const auto name = text.substr(start, end - start);
    const bool closed = braced ? end < text.size() && text[end] == '}' : end == text.size() || is_blank(text[end]);
    if (name.empty() || !is_name_start(name[0]) || !closed) {
      if (braced && name == "_RANDOM") error(at.line, "${_RANDOM} is not supported by vrrpd's reader");
      out += text[i];
      continue;
    }
    std::optional<std::string> value;
    if (name == "_PWD") value = at.directory;
    if (name == "_INSTANCE") value = options_.config_id;
    if (name == "_HASH") value = "#";
    if (name == "_BANG") value = "!";
    if (const auto p = params_.find(name); !value && p != params_.end()) value = substitute(p->second, at, depth + 1);
    if (!value) {
      out += text[i];
      continue;
    }
    if (value->size() >= budget_) {
      budget_ = 0;
      break;
    }
    budget_ -= value->size();
    out += *value;
    i = braced ? end : end - 1;
  }
  return out;
}

}  // namespace

std::string directory_of(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

std::vector<KaLine> lex(const SourceFile& file, const LexOptions& options, IniDocument& doc, Diagnostics& diagnostics) {
  Lexer lexer(options, doc, diagnostics);
  lexer.file(file, 0);
  return lexer.take();
}

}  // namespace vrrpd::keepalived_conf
