#include "proxyd/core/http/head_editor.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>

#include "common/core/text.h"

namespace proxyd::http {
namespace {

using common::text::iequals;

void append_fields(const std::vector<HeaderField>& fields, std::string& out) {
  for (const auto& field : fields) {
    out += field.name;
    out += ": ";
    out += field.value;
    out += "\r\n";
  }
  out += "\r\n";
}

// Fields a Connection header may not remove: they frame the message or route
// it, and dropping them on a client's say-so would desynchronize the server
// from proxyd ("Connection: Content-Length" is a known smuggling trick).
constexpr std::array<std::string_view, 3> kProtected{"Transfer-Encoding", "Content-Length", "Host"};

bool is_protected(std::string_view name) {
  return std::any_of(kProtected.begin(), kProtected.end(), [name](std::string_view p) { return iequals(p, name); });
}

// The comma-separated tokens of every Connection header.
std::vector<std::string> connection_tokens(const HeadEditor& editor) {
  std::vector<std::string> tokens;
  for (const auto& field : editor.fields()) {
    if (!iequals(field.name, "Connection")) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto token = common::text::trim(rest.substr(0, comma));
      if (!token.empty()) tokens.emplace_back(token);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return tokens;
}

}  // namespace

HeadEditor::HeadEditor(const MessageHead& head) : fields_(head.headers) {}

std::string_view HeadEditor::keep(std::string_view text) {
  // A forward_list never moves its elements, so views into them stay valid.
  return storage_.emplace_front(text);
}

void HeadEditor::remove(std::string_view name) {
  std::erase_if(fields_, [name](const HeaderField& field) { return iequals(field.name, name); });
}

void HeadEditor::add(std::string_view name, std::string_view value) {
  const auto kept_name = keep(name);
  fields_.push_back({kept_name, keep(value)});
}

void HeadEditor::set(std::string_view name, std::string_view value) {
  remove(name);
  add(name, value);
}

void HeadEditor::replace_value(std::size_t index, std::string_view value) {
  fields_.at(index).value = keep(value);
}

void HeadEditor::remove_at(std::size_t index) {
  fields_.erase(fields_.begin() + static_cast<std::ptrdiff_t>(index));
}

std::optional<std::string_view> HeadEditor::get(std::string_view name) const {
  for (const auto& field : fields_) {
    if (iequals(field.name, name)) return field.value;
  }
  return std::nullopt;
}

void HeadEditor::apply(std::span<const HeaderRule> rules) {
  for (const auto& rule : rules) {
    switch (rule.action) {
      case HeaderRule::Action::Add:
        add(rule.name, rule.value);
        break;
      case HeaderRule::Action::Set:
        set(rule.name, rule.value);
        break;
      case HeaderRule::Action::Del:
        remove(rule.name);
        break;
    }
  }
}

void HeadEditor::serialize_request(std::string_view method, std::string_view target, int version_minor,
                                   std::string& out) const {
  fmt::format_to(std::back_inserter(out), "{} {} HTTP/1.{}\r\n", method, target, version_minor);
  append_fields(fields_, out);
}

void HeadEditor::serialize_response(int version_minor, int status, std::string_view reason, std::string& out) const {
  fmt::format_to(std::back_inserter(out), "HTTP/1.{} {:03} {}\r\n", version_minor, status, reason);
  append_fields(fields_, out);
}

void remove_hop_by_hop(HeadEditor& editor, bool keep_upgrade) {
  const auto tokens = connection_tokens(editor);
  for (const auto& token : tokens) {
    if (is_protected(token)) continue;
    if (keep_upgrade && iequals(token, "upgrade")) continue;
    editor.remove(token);
  }
  editor.remove("Connection");
  editor.remove("Keep-Alive");
  editor.remove("Proxy-Connection");
  editor.remove("TE");
  if (!keep_upgrade) {
    editor.remove("Upgrade");
  } else if (editor.get("Upgrade")) {
    // The upgrade only means something to the next hop when Connection
    // names it (RFC 9110 7.8).
    editor.add("Connection", "upgrade");
  }
}

}  // namespace proxyd::http
