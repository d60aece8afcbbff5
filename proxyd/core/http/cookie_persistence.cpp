#include "proxyd/core/http/cookie_persistence.h"

#include <fmt/format.h>

#include "common/core/xxh64.h"

#include <vector>

#include "common/core/text.h"

namespace proxyd::http {
namespace {

using common::text::iequals;
using common::text::trim;

// The separator between our server value and the application's own value in
// prefix mode ("JSESSIONID=web1~abc").
constexpr char kPrefixSeparator = '~';

struct CookiePair {
  std::string_view name;
  std::string_view value;
  std::string_view text;  // the whole "name=value" (or a bare word)
};

// The pairs of a Cookie header value: "a=1; b=2" (RFC 6265 5.4), tolerating
// a missing space after the semicolon and empty elements.
std::vector<CookiePair> split_cookie_header(std::string_view header) {
  std::vector<CookiePair> pairs;
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const auto text = trim(header.substr(0, semicolon));
    header = semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    if (text.empty()) continue;
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) {
      pairs.push_back({{}, {}, text});
    } else {
      pairs.push_back({trim(text.substr(0, equals)), trim(text.substr(equals + 1)), text});
    }
  }
  return pairs;
}

std::string join_pairs(const std::vector<std::string>& parts) {
  return common::text::join(parts, "; ");
}

// The server value carried by <cookie_value> in <mode>; empty if none.
std::string_view server_part(CookieSettings::Mode mode, std::string_view cookie_value) {
  if (mode != CookieSettings::Mode::Prefix) return cookie_value;
  const auto tilde = cookie_value.find(kPrefixSeparator);
  return tilde == std::string_view::npos ? std::string_view{} : cookie_value.substr(0, tilde);
}

// The Cookie header value <header> after stripping for <settings>; equal to
// <header> when nothing changed, empty when nothing is left.
std::string strip_header(const CookieSettings& settings, std::string_view header, bool& changed) {
  std::vector<std::string> kept;
  for (const auto& pair : split_cookie_header(header)) {
    if (pair.name != settings.name) {
      kept.emplace_back(pair.text);
      continue;
    }
    changed = true;
    if (settings.mode == CookieSettings::Mode::Prefix) {
      const auto tilde = pair.value.find(kPrefixSeparator);
      const auto app_value = tilde == std::string_view::npos ? pair.value : pair.value.substr(tilde + 1);
      kept.push_back(std::string(pair.name) + "=" + std::string(app_value));
    }
    // insert+indirect: the pair is dropped.
  }
  return join_pairs(kept);
}

// The name and value of a Set-Cookie header and the attributes after them
// ("; path=/; HttpOnly"), nullopt when it has no '=' before the first ';'.
struct SetCookie {
  std::string_view name;
  std::string_view value;
  std::string_view attributes;  // from the first ';' on, or empty
};

std::optional<SetCookie> split_set_cookie(std::string_view header) {
  const auto semicolon = header.find(';');
  const auto pair = header.substr(0, semicolon);
  const auto equals = pair.find('=');
  if (equals == std::string_view::npos) return std::nullopt;
  return SetCookie{trim(pair.substr(0, equals)), trim(pair.substr(equals + 1)),
                   semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon)};
}

void insert_cookie(const CookieSettings& settings, std::string_view server_cookie, HeadEditor& response) {
  std::string value = settings.name + "=" + std::string(server_cookie) + "; path=/";
  if (settings.httponly) value += "; HttpOnly";
  if (settings.secure) value += "; Secure";
  response.add("Set-Cookie", value);
  if (settings.nocache) {
    // A shared cache must not hand one client's server cookie to others.
    if (response.get("Cache-Control")) {
      response.set("Cache-Control", "private");
    } else {
      response.add("Cache-Control", "private");
    }
  }
}

// Rewrites the value of the server's own Set-Cookie <settings.name>.
void rewrite_server_cookie(const CookieSettings& settings, std::string_view server_cookie, HeadEditor& response) {
  for (std::size_t i = 0; i < response.fields().size(); ++i) {
    const auto& field = response.fields()[i];
    if (!iequals(field.name, "Set-Cookie")) continue;
    const auto cookie = split_set_cookie(field.value);
    if (!cookie || cookie->name != settings.name) continue;
    std::string value = settings.name + "=" + std::string(server_cookie);
    if (settings.mode == CookieSettings::Mode::Prefix) {
      value += kPrefixSeparator;
      value += cookie->value;
    }
    value += cookie->attributes;
    response.replace_value(i, value);
  }
}

}  // namespace

std::optional<std::string> find_persistence_cookie(const CookieSettings& settings, const HeadEditor& request) {
  for (const auto& field : request.fields()) {
    if (!iequals(field.name, "Cookie")) continue;
    for (const auto& pair : split_cookie_header(field.value)) {
      if (pair.name != settings.name) continue;  // cookie names are case-sensitive
      const auto server = server_part(settings.mode, pair.value);
      if (server.empty()) return std::nullopt;
      return std::string(server);
    }
  }
  return std::nullopt;
}

void strip_request_cookie(const CookieSettings& settings, HeadEditor& request) {
  const bool strips = (settings.mode == CookieSettings::Mode::Insert && settings.indirect) ||
                      settings.mode == CookieSettings::Mode::Prefix;
  if (!strips) return;
  for (std::size_t i = 0; i < request.fields().size();) {
    const auto& field = request.fields()[i];
    if (!iequals(field.name, "Cookie")) {
      ++i;
      continue;
    }
    bool changed = false;
    const auto stripped = strip_header(settings, field.value, changed);
    if (!changed) {
      ++i;
    } else if (stripped.empty()) {
      request.remove_at(i);
    } else {
      request.replace_value(i, stripped);
      ++i;
    }
  }
}

void apply_response_cookie(const CookieSettings& settings, std::string_view server_cookie, bool needs_insert,
                           HeadEditor& response) {
  switch (settings.mode) {
    case CookieSettings::Mode::Insert:
      if (needs_insert) insert_cookie(settings, server_cookie, response);
      return;
    case CookieSettings::Mode::Prefix:
    case CookieSettings::Mode::Rewrite:
      return rewrite_server_cookie(settings, server_cookie, response);
  }
}

std::string dynamic_cookie(std::string_view key, const common::net::Endpoint& address) {
  if (address.is_unix()) return {};
  std::string bytes(key);
  const auto raw = address.address.bytes();
  bytes.append(reinterpret_cast<const char*>(raw.data()), raw.size());
  const std::uint32_t port = address.port;
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((port >> shift) & 0xff));
  return fmt::format("{:016x}", common::xxh64(bytes));
}

}  // namespace proxyd::http
