#include "proxyd/core/sample/log_format.h"

#include <cctype>

namespace proxyd::sample {

common::Result<LogFormat> LogFormat::parse(std::string_view text, Library* lib) {
  LogFormat f;
  f.text_ = std::string(text);
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      literal += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '%') {
      literal += '%';
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '[') {
      const auto close = text.find(']', i + 2);
      if (close == std::string_view::npos) return common::fail("column {}: '%[' without ']'", i + 1);
      auto expr = parse_expression(text.substr(i + 2, close - i - 2), lib);
      if (!expr) return common::fail("column {}: {}", i + 3, expr.error().describe());
      if (!literal.empty()) f.parts_.emplace_back(std::move(literal));
      literal.clear();
      f.parts_.emplace_back(std::move(*expr));
      f.literal_ = false;
      i = close;
      continue;
    }
    if (i + 1 < text.size() && (std::isalpha(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '{')) {
      return common::fail("column {}: log-format variable '%{}' is not supported here; use %[FETCH] (or %% for '%')",
                          i + 1, text[i + 1]);
    }
    literal += '%';
  }
  if (!literal.empty()) f.parts_.emplace_back(std::move(literal));
  return f;
}

void LogFormat::render_to(const Context& ctx, std::string& out) const {
  for (const auto& part : parts_) {
    if (const auto* text = std::get_if<std::string>(&part)) {
      out += *text;
    } else if (const auto s = evaluate_first(std::get<Expression>(part), ctx)) {
      out += s->as_text();
    }
  }
}

std::string LogFormat::render(const Context& ctx) const {
  std::string out;
  render_to(ctx, out);
  return out;
}

}  // namespace proxyd::sample
