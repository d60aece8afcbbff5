// A message head that rules rewrite in place: header fields, the target,
// the method and the status change at once, so the rules after an edit see
// it (as HAProxy's http-request/http-response actions do). It owns a copy
// of the received head's bytes, so it outlives the receive buffer (the
// response rules read the request). New text is owned here too. Pure.
#pragma once

#include <forward_list>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "proxyd/core/http/message_head.h"

namespace proxyd::http {

class EditableHead {
 public:
  // A copy of <head>, whose views point into <raw> (the head's bytes).
  void reset(const MessageHead& head, std::string_view raw);

  const MessageHead& head() const { return head_; }

  void set_header(std::string_view name, std::string_view value);  // del, then add
  void add_header(std::string_view name, std::string_view value);
  void del_header(std::string_view name);
  // Each field named <name>: its value becomes <rewrite>(value) when that
  // gives one.
  void rewrite_headers(std::string_view name,
                       const std::function<std::optional<std::string>(std::string_view)>& rewrite);
  // Every field as the line "Name: value" through <rewrite> (HAProxy 1.x's
  // reqrep): a new line "Name: value" replaces the field, a line without a
  // name removes it. Content-Length and Transfer-Encoding are left alone
  // (the body's framing was read from them).
  void rewrite_lines(const std::function<std::optional<std::string>(std::string_view)>& rewrite);
  void set_target(std::string_view target);
  void set_method(std::string_view method);
  void set_status(int status, std::string_view reason);

 private:
  std::string_view keep(std::string_view text);

  MessageHead head_;
  std::string raw_;
  std::forward_list<std::string> storage_;
};

}  // namespace proxyd::http
