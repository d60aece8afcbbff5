#include "proxyd/core/http/rules.h"

#include <fmt/format.h>

#include "common/core/text.h"
#include "proxyd/core/http/response.h"

namespace proxyd::http {
namespace {

using common::text::iequals;

// The first value of header <name> in <head>, nullopt if absent. Reads the
// fields directly: the condition only needs the first copy.
std::optional<std::string_view> first_header(const MessageHead& head, std::string_view name) {
  for (const auto& field : head.headers) {
    if (iequals(field.name, name)) return field.value;
  }
  return std::nullopt;
}

bool header_matches(const Condition& condition, const MessageHead* head) {
  if (head == nullptr) return false;  // TCP mode: no headers
  const auto value = first_header(*head, condition.name);
  if (!value) return false;
  return condition.value.empty() || iequals(*value, condition.value);
}

bool raw_matches(const Condition& condition, const RequestFacts& facts) {
  switch (condition.kind) {
    case Condition::Kind::Host:
      return iequals(host_without_port(facts.host), condition.value);
    case Condition::Kind::PathBeg:
      return facts.path.starts_with(condition.value);
    case Condition::Kind::Path:
      return facts.path == condition.value;
    case Condition::Kind::Header:
      return header_matches(condition, facts.head);
    case Condition::Kind::Sni:
      return iequals(facts.sni, condition.value);
  }
  return false;
}

}  // namespace

bool matches(const Condition& condition, const RequestFacts& facts) {
  return raw_matches(condition, facts) != condition.negate;
}

std::optional<std::string_view> select_backend(std::span<const UseBackendRule> rules, const RequestFacts& facts) {
  for (const auto& rule : rules) {
    if (matches(rule.condition, facts)) return std::string_view(rule.backend);
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
