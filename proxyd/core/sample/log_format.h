// HAProxy's log-format strings where rules take them (header values,
// set-path, redirect locations, return bodies): literal text with
// `%[EXPRESSION]` samples in it and `%%` for a percent sign. Parsed once,
// rendered per request. Pure.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/expression.h"

namespace proxyd::sample {

class LogFormat {
 public:
  // "%[" without "]", an unknown fetch or converter, or a log variable
  // other than %[...] (HAProxy's %ci, %H ...: not supported here) is an
  // error naming the column.
  // Maps in %[...] register in <lib> (none: they are an error).
  static common::Result<LogFormat> parse(std::string_view text, Library* lib = nullptr);

  // The text with each sample's string form (an absent sample is empty).
  std::string render(const Context& ctx) const;
  void render_to(const Context& ctx, std::string& out) const;
  // True when there is no %[...]: render() is the literal text.
  bool is_literal() const { return literal_; }
  const std::string& text() const { return text_; }

 private:
  std::vector<std::variant<std::string, Expression>> parts_;
  std::string text_;
  bool literal_ = true;
};

}  // namespace proxyd::sample
