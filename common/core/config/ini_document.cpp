#include "common/core/config/ini_document.h"

#include <fmt/format.h>
#include <ini.h>

#include <cstring>
#include <set>

#include "common/core/text.h"

namespace common::config {
namespace {

// State shared by the inih reader and handler callbacks. inih reads one line,
// handles it, then reads the next, so <line> is the line being handled.
struct ParseState {
  std::string_view text;
  std::size_t pos = 0;
  int line = 0;
  IniDocument* doc = nullptr;
  Diagnostics* diagnostics = nullptr;
  std::set<int> expect_entry;  // lines that must produce a handler call
  std::set<int> got_entry;
};

void add_section(ParseState& st, std::string_view header) {
  const auto close = header.find(']');
  if (close == std::string_view::npos) {
    st.diagnostics->error(st.doc->at(st.line), "section header without closing ']'");
    return;
  }
  const auto words = text::split_words(header.substr(1, close - 1));
  const auto rest = text::trim(header.substr(close + 1));
  if (words.empty() || words.size() > 2 || (!rest.empty() && rest.front() != ';' && rest.front() != '#')) {
    st.diagnostics->error(st.doc->at(st.line),
                          fmt::format("malformed section header '{}': expected [kind] or [kind name]", header));
    // Keep a placeholder so the entries below are not attributed to the
    // previous section.
    st.doc->sections.push_back({"", "", st.line, {}});
    return;
  }
  st.doc->sections.push_back(
      {std::string(words[0]), words.size() == 2 ? std::string(words[1]) : std::string(), st.line, {}});
}

char* read_line(char* out, int size, void* stream) {
  auto& st = *static_cast<ParseState*>(stream);
  if (st.pos >= st.text.size()) return nullptr;
  auto end = st.text.find('\n', st.pos);
  if (end == std::string_view::npos) end = st.text.size();
  std::string_view raw = st.text.substr(st.pos, end - st.pos);
  st.pos = end + 1;
  ++st.line;
  if (st.line == 1 && raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);  // UTF-8 BOM
  std::string_view line = text::trim(raw);
  if (line.size() + 1 > static_cast<std::size_t>(size)) {
    st.diagnostics->error(st.doc->at(st.line),
                          fmt::format("line too long ({} characters, at most {})", line.size(), kMaxIniLine));
    line = {};
  } else if (!line.empty() && line.front() == '[') {
    add_section(st, line);
  } else if (!line.empty() && line.front() != ';' && line.front() != '#') {
    st.expect_entry.insert(st.line);
  }
  if (!line.empty()) std::memcpy(out, line.data(), line.size());
  out[line.size()] = '\0';
  return out;
}

int on_entry(void* user, const char* /*section*/, const char* key, const char* value) {
  auto& st = *static_cast<ParseState*>(user);
  st.got_entry.insert(st.line);
  if (st.doc->sections.empty()) {
    st.diagnostics->error(st.doc->at(st.line), fmt::format("key '{}' outside any section", key));
    return 1;
  }
  auto& section = st.doc->sections.back();
  if (section.kind.empty()) return 1;  // under a malformed header, already reported
  section.entries.push_back({key, value, st.line});
  return 1;
}

}  // namespace

std::string IniSection::title() const {
  return name.empty() ? fmt::format("[{}]", kind) : fmt::format("[{} {}]", kind, name);
}

IniDocument parse_ini(std::string_view text, std::string_view file, Diagnostics& diagnostics) {
  IniDocument doc;
  doc.file = std::string(file);
  ParseState st{text, 0, 0, &doc, &diagnostics, {}, {}};
  ini_parse_stream(read_line, &st, on_entry, &st);
  for (const int line : st.expect_entry) {
    if (!st.got_entry.contains(line)) {
      diagnostics.error(doc.at(line), "expected 'key = value', a [section] header or a comment");
    }
  }
  return doc;
}

Location IniDocument::at(int line) const {
  for (auto span = spans.rbegin(); span != spans.rend(); ++span) {
    if (line >= span->first_line) return {span->file, line - span->first_line + span->file_line};
  }
  return {file, line};
}

}  // namespace common::config
