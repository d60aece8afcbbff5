// application/x-www-form-urlencoded data (HTML forms, query strings).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxyd::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Decodes "%XX" escapes and '+' (a space); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

// The fields of "a=1&b=two+words" in order; a field without '=' has an empty
// value; empty fields ("a=1&&b=2") are skipped. nullopt on a malformed escape.
std::optional<FormFields> parse_form(std::string_view text);

// The first value of <name> in <fields>, nullopt if absent.
std::optional<std::string_view> form_value(const FormFields& fields, std::string_view name);

// <text> with every byte outside [A-Za-z0-9-._~] as "%XX" (for query values).
std::string percent_encode(std::string_view text);

}  // namespace proxyd::http
