#include "proxyd/core/sample/words.h"

namespace proxyd::sample {

namespace {

char unescape(char c) {
  switch (c) {
    case 't':
      return '\t';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    default:
      return c;
  }
}

bool blank(char c) {
  return c == ' ' || c == '\t';
}

// HAProxy's escapes; any other backslash stays, with what follows it (a
// regex's "\." or a back-reference's "\1").
bool escapable(char c) {
  return std::string_view(" \\#$\"'rnt").find(c) != std::string_view::npos;
}

}  // namespace

common::Result<std::vector<Word>> split(std::string_view text) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < text.size()) {
    if (blank(text[i])) {
      ++i;
      continue;
    }
    Word word;
    word.column = i + 1;
    char quote = 0;
    for (; i < text.size() && (quote != 0 || !blank(text[i])); ++i) {
      const char c = text[i];
      if (quote == '\'' && c != '\'') {
        word.text += c;
      } else if (c == '\'' || c == '"') {
        if (quote == 0) {
          quote = c;
          word.quoted = true;
        } else if (quote == c) {
          quote = 0;
        } else {
          word.text += c;
        }
      } else if (c == '\\' && i + 1 < text.size() && escapable(text[i + 1])) {
        word.text += unescape(text[++i]);
      } else {
        word.text += c;
      }
    }
    if (quote != 0)
      return common::fail("column {}: unterminated {} quote", word.column, quote == '"' ? "double" : "single");
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace proxyd::sample
