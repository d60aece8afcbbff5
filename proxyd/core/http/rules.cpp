#include "proxyd/core/http/rules.h"

#include <fmt/format.h>

#include "common/core/text.h"
#include "proxyd/core/http/response.h"

namespace proxyd::http {

std::optional<std::string> select_backend(std::span<const UseBackendRule> rules, const sample::Context& ctx) {
  for (const auto& rule : rules) {
    if (rule.condition && !sample::evaluate(*rule.condition, ctx)) continue;
    return rule.dynamic ? rule.dynamic->render(ctx) : rule.backend;
  }
  return std::nullopt;
}

std::string_view host_without_port(std::string_view host) {
  if (host.starts_with('[')) {
    // An IPv6 literal: the port, if any, follows the closing bracket.
    const auto close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(0, close + 1);
  }
  const auto colon = host.find(':');
  // More than one colon without brackets is a bare IPv6 address (not valid
  // in Host, but not ours to cut either).
  if (colon == std::string_view::npos || host.find(':', colon + 1) != std::string_view::npos) return host;
  return host.substr(0, colon);
}

std::string build_redirect(const RedirectRule& rule, std::string_view host, std::string_view target) {
  std::string location;
  if (rule.kind == RedirectRule::Kind::Scheme) {
    location = fmt::format("{}://{}{}", rule.value, host, target);
  } else {
    location = rule.value;
  }
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Length: 0\r\nLocation: {}\r\nConnection: close\r\n\r\n", rule.code,
                     reason_phrase(rule.code), location);
}

}  // namespace proxyd::http
