// Builds the head proxyd forwards from the head it received: the received
// fields are kept as views (no copy), edits are recorded, and serialize()
// writes the result in one pass. Header rules, X-Forwarded-For, cookie
// handling and hop-by-hop removal all go through it. Pure.
#pragma once

#include <forward_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proxyd/core/http/message_head.h"
#include "proxyd/core/http/rules.h"

namespace proxyd::http {

class HeadEditor {
 public:
  // Starts from <head>'s fields; the bytes <head> points into must outlive
  // the editor (until serialize()).
  explicit HeadEditor(const MessageHead& head);

  // Removes every field named <name> (case-insensitive).
  void remove(std::string_view name);
  // Appends a field; name and value are copied.
  void add(std::string_view name, std::string_view value);
  // remove() then add().
  void set(std::string_view name, std::string_view value);
  // Replaces the value of field <index> (copied).
  void replace_value(std::size_t index, std::string_view value);
  void remove_at(std::size_t index);

  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<HeaderField>& fields() const { return fields_; }

  // Applies header rules in order (Add, Set, Del).
  void apply(std::span<const HeaderRule> rules);

  // Appends "METHOD TARGET HTTP/1.<minor>\r\n", the fields, and "\r\n".
  void serialize_request(std::string_view method, std::string_view target, int version_minor, std::string& out) const;
  // Appends "HTTP/1.<minor> STATUS REASON\r\n", the fields, and "\r\n".
  void serialize_response(int version_minor, int status, std::string_view reason, std::string& out) const;

 private:
  std::string_view keep(std::string_view text);

  std::vector<HeaderField> fields_;
  // Owns added names and values: stable addresses, and no allocation for
  // an editor that adds nothing (a std::deque allocates when built).
  std::forward_list<std::string> storage_;
};

// Removes the hop-by-hop fields (RFC 9110 7.6.1): Connection, the fields it
// names, Keep-Alive, Proxy-Connection, TE, Upgrade (unless <keep_upgrade>).
// Transfer-Encoding stays: proxyd forwards bodies unchanged.
void remove_hop_by_hop(HeadEditor& editor, bool keep_upgrade);

}  // namespace proxyd::http
