// Value parsers for the layer-7 and TLS keys of proxy_config.h: use_backend
// and redirect rules, header rewrites, cookie persistence, HTTP checks,
// error files, and the TLS options of `bind` and `server`. Each parses one
// value and says what it expected; the loader adds file:line and the key.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "common/core/text.h"
#include "proxyd/core/config/http_config.h"
#include "proxyd/core/config/proxy_config.h"

namespace proxyd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;

namespace {

using Words = std::vector<std::string_view>;

// RFC 9110 5.6.2: tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// Visible ASCII, no blanks: paths, host names, URLs.
bool is_visible(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f;
  });
}

// A header value as it may be sent: no CR, LF or NUL (RFC 9110 5.5).
bool is_field_value(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The text after the first <count> words of <value>, trimmed.
std::string_view rest_after_words(std::string_view value, std::size_t count) {
  value = common::text::trim(value);
  for (std::size_t i = 0; i < count; ++i) {
    const auto blank = value.find_first_of(" \t");
    if (blank == std::string_view::npos) return {};
    value = common::text::trim(value.substr(blank));
  }
  return value;
}

Result<std::string> absolute_path(std::string_view what, std::string_view value) {
  if (!value.starts_with('/')) return fail("{} must be an absolute path, got '{}'", what, value);
  return std::string(value);
}

// `crt=a.pem,b.pem`, `alpn=h2,http/1.1`: a comma list without empty items.
Result<std::vector<std::string>> comma_list(std::string_view what, std::string_view value) {
  std::vector<std::string> items;
  while (true) {
    const auto comma = value.find(',');
    const auto item = value.substr(0, comma);
    if (item.empty()) return fail("{}: empty item in '{}'", what, value);
    items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    value = value.substr(comma + 1);
  }
  return items;
}

Result<std::vector<std::string>> parse_alpn(std::string_view value) {
  auto protocols = comma_list("alpn", value);
  if (!protocols) return protocols;
  for (const auto& p : *protocols) {
    // RFC 7301 3.1: each protocol name is 1 to 255 bytes.
    if (p.size() > 255 || !is_visible(p)) return fail("alpn: invalid protocol name '{}'", p);
  }
  return protocols;
}

}  // namespace

namespace {

// proxyd's first condition syntax, kept: `if host NAME`, `if path_beg PATH`,
// `if path PATH`, `if hdr NAME [VALUE]`, `if sni NAME`. Rewritten into
// HAProxy's anonymous ACL (`if { host -i NAME }` ...); nullopt when <words>
// (from if|unless on) is not one of those.
std::optional<std::vector<sample::Word>> legacy_condition(const std::vector<sample::Word>& words) {
  if (words.size() < 3 || words[1].quoted) return std::nullopt;
  const auto& kind = words[1].text;
  const auto word = [&](std::string text) { return sample::Word{std::move(text), words[1].column, false}; };
  std::vector<sample::Word> out{words[0], word("{")};
  if (kind == "hdr") {
    // The whole first field value, case-insensitively; no value: present.
    out.push_back(word("req.fhdr(" + words[2].text + ",1)"));
    if (words.size() == 3) {
      out.push_back(word("-m"));
      out.push_back(word("found"));
    } else {
      out.push_back(word("-i"));
      std::string value;
      for (std::size_t i = 3; i < words.size(); ++i) value += (i > 3 ? " " : "") + words[i].text;
      out.push_back(sample::Word{value, words[3].column, true});
    }
  } else if (words.size() == 3 && (kind == "host" || kind == "sni" || kind == "path_beg" || kind == "path")) {
    out.push_back(word(kind));
    if (kind == "host" || kind == "sni") out.push_back(word("-i"));
    out.push_back(sample::Word{words[2].text, words[2].column, true});
  } else {
    return std::nullopt;
  }
  out.push_back(word("}"));
  return out;
}

}  // namespace

Result<sample::Condition> parse_condition(std::span<const sample::Word> words, std::string_view text,
                                          sample::Library* lib) {
  const std::vector<sample::Word> all(words.begin(), words.end());
  const auto legacy = legacy_condition(all);
  auto condition = sample::parse_condition(legacy ? std::span<const sample::Word>(*legacy) : words, lib);
  if (!condition) return tl::unexpected(condition.error());
  condition->text = std::string(text);
  return condition;
}

Result<sample::Condition> parse_condition(std::string_view value, sample::Library* lib) {
  auto words = sample::split(value);
  if (!words) return tl::unexpected(words.error());
  return parse_condition(*words, common::text::trim(value), lib);
}

Result<http::HttpAction> parse_http_request(std::string_view value, sample::Library* lib) {
  return http::parse_http_action(value, http::RuleSet::Request, lib);
}

Result<http::HttpAction> parse_http_response(std::string_view value, sample::Library* lib) {
  return http::parse_http_action(value, http::RuleSet::Response, lib);
}

Result<tcp::TcpRule> parse_tcp_request(std::string_view value, sample::Library* lib) {
  return tcp::parse_tcp_rule(value, lib);
}

Result<AclDefinition> parse_acl(std::string_view value, sample::Library* lib) {
  auto acl = sample::parse_acl_line(value, lib);
  if (!acl) return tl::unexpected(acl.error());
  return AclDefinition{std::move(*acl), 0};
}

// NAME [if|unless CONDITION]; a NAME with %[...] is computed per request.
// Without a condition the rule always matches (HAProxy's grammar).
Result<http::UseBackendRule> parse_use_backend(std::string_view value, sample::Library* lib) {
  const auto words = common::text::split_words(value);
  if (words.empty()) return fail("expected NAME [if|unless CONDITION]");
  http::UseBackendRule rule;
  rule.backend = std::string(words[0]);
  if (rule.backend.find("%[") != std::string::npos) {
    auto name = sample::LogFormat::parse(rule.backend, lib);
    if (!name) return fail("backend name: {}", name.error().describe());
    rule.dynamic = std::move(*name);
  }
  if (words.size() < 2) return rule;
  auto condition = parse_condition(rest_after_words(value, 1), lib);
  if (!condition) return tl::unexpected(condition.error());
  rule.condition = std::move(*condition);
  return rule;
}

Result<http::RedirectRule> parse_redirect(std::string_view value, sample::Library* lib) {
  const auto words = common::text::split_words(value);
  if (words.size() < 2)
    return fail("expected scheme https|http or location URL, then [code 30x] [if|unless CONDITION]");
  http::RedirectRule rule;
  if (words[0] == "scheme") {
    if (words[1] != "https" && words[1] != "http") return fail("redirect scheme: expected https or http");
    rule.kind = http::RedirectRule::Kind::Scheme;
  } else if (words[0] == "location") {
    if (!is_visible(words[1]) || (!words[1].starts_with('/') && words[1].find("://") == std::string_view::npos)) {
      return fail("redirect location: expected an absolute URL or a path starting with '/'");
    }
    rule.kind = http::RedirectRule::Kind::Location;
  } else {
    return fail("expected scheme or location, got '{}'", words[0]);
  }
  rule.value = std::string(words[1]);
  std::size_t next = 2;
  if (next < words.size() && words[next] == "code") {
    static constexpr std::array kCodes{301, 302, 303, 307, 308};
    auto code = cfg::parse_uint(next + 1 < words.size() ? words[next + 1] : std::string_view{}, 301, 308);
    if (!code || std::find(kCodes.begin(), kCodes.end(), static_cast<int>(*code)) == kCodes.end()) {
      return fail("redirect code: expected 301, 302, 303, 307 or 308");
    }
    rule.code = static_cast<int>(*code);
    next += 2;
  }
  if (next < words.size()) {
    auto condition = parse_condition(rest_after_words(value, next), lib);
    if (!condition) return tl::unexpected(condition.error());
    rule.condition = std::move(*condition);
  }
  return rule;
}

Result<http::HeaderRule> parse_header_rule(http::HeaderRule::Action action, std::string_view value) {
  value = common::text::trim(value);
  const auto words = common::text::split_words(value);
  const bool del = action == http::HeaderRule::Action::Del;
  if (words.empty() || !is_token(words[0])) return fail("expected a header NAME{}", del ? "" : " and a VALUE");
  http::HeaderRule rule;
  rule.action = action;
  rule.name = std::string(words[0]);
  if (del) {
    if (words.size() != 1) return fail("expected only a header NAME");
    return rule;
  }
  const auto text = rest_after_words(value, 1);
  if (text.empty()) return fail("expected NAME VALUE");
  if (!is_field_value(text)) return fail("a header value must not contain CR, LF or NUL");
  rule.value = std::string(text);
  return rule;
}

Result<http::CookieSettings> parse_cookie(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.size() < 2 || !is_token(words[0])) {
    return fail("expected NAME insert|prefix|rewrite [indirect] [nocache] [httponly] [secure] [dynamic]");
  }
  http::CookieSettings cookie;
  cookie.name = std::string(words[0]);
  using CookieMode = http::CookieSettings::Mode;
  if (words[1] == "insert") {
    cookie.mode = CookieMode::Insert;
  } else if (words[1] == "prefix") {
    cookie.mode = CookieMode::Prefix;
  } else if (words[1] == "rewrite") {
    cookie.mode = CookieMode::Rewrite;
  } else {
    return fail("cookie mode: expected insert, prefix or rewrite, got '{}'", words[1]);
  }
  for (std::size_t i = 2; i < words.size(); ++i) {
    if (words[i] == "indirect") {
      cookie.indirect = true;
    } else if (words[i] == "nocache") {
      cookie.nocache = true;
    } else if (words[i] == "httponly") {
      cookie.httponly = true;
    } else if (words[i] == "secure") {
      cookie.secure = true;
    } else if (words[i] == "dynamic") {
      cookie.dynamic = true;
    } else {
      return fail("unknown cookie option '{}' (expected indirect, nocache, httponly, secure or dynamic)", words[i]);
    }
  }
  if (cookie.indirect && cookie.mode != CookieMode::Insert) return fail("cookie option indirect needs insert");
  return cookie;
}

Result<HttpCheck> parse_http_check(std::string_view value) {
  const auto words = common::text::split_words(value);
  HttpCheck check;
  if (words.empty()) return check;
  if (words.size() < 2) return fail("expected http [METHOD PATH [HTTP/1.0|HTTP/1.1] [Host=NAME]]");
  if (!is_token(words[0])) return fail("check method: expected a token such as GET, got '{}'", words[0]);
  check.method = std::string(words[0]);
  if (!words[1].starts_with('/') || !is_visible(words[1])) return fail("check path: expected a path starting with '/'");
  check.path = std::string(words[1]);
  for (std::size_t i = 2; i < words.size(); ++i) {
    const auto word = words[i];
    if (word == "HTTP/1.0" || word == "HTTP/1.1") {
      check.version_minor = word == "HTTP/1.1" ? 1 : 0;
    } else if (word.starts_with("Host=") && is_visible(word.substr(5))) {
      check.host = std::string(word.substr(5));
    } else {
      return fail("unknown check option '{}' (expected HTTP/1.0, HTTP/1.1 or Host=NAME)", word);
    }
  }
  if (check.version_minor == 1 && check.host.empty()) return fail("an HTTP/1.1 check needs Host=NAME");
  return check;
}

Result<CheckExpect> parse_check_expect(std::string_view value) {
  const auto words = common::text::split_words(value);
  CheckExpect expect;
  if (words.size() >= 2 && words[0] == "string") {
    expect.kind = CheckExpect::Kind::String;
    expect.text = std::string(rest_after_words(value, 1));
    return expect;
  }
  if (words.size() != 2 || words[0] != "status") return fail("expected status CODE, status MIN-MAX or string TEXT");
  const auto dash = words[1].find('-');
  auto low = cfg::parse_uint(words[1].substr(0, dash), 100, 599);
  auto high = dash == std::string_view::npos ? low : cfg::parse_uint(words[1].substr(dash + 1), 100, 599);
  if (!low || !high || *low > *high) return fail("check_expect status: expected a code or range within 100-599");
  expect.status_min = static_cast<int>(*low);
  expect.status_max = static_cast<int>(*high);
  return expect;
}

Result<ErrorFile> parse_errorfile(std::string_view value) {
  static constexpr std::array kStatuses{400, 403, 405, 408, 413, 421, 425, 429, 431, 500, 501, 502, 503, 504};
  const auto words = common::text::split_words(value);
  if (words.size() != 2) return fail("expected STATUS PATH");
  auto status = cfg::parse_uint(words[0], 400, 599);
  if (!status || std::find(kStatuses.begin(), kStatuses.end(), static_cast<int>(*status)) == kStatuses.end()) {
    return fail("errorfile status: expected one of 400 403 405 408 413 421 425 429 431 500 501 502 503 504");
  }
  auto path = absolute_path("errorfile", words[1]);
  if (!path) return tl::unexpected(path.error());
  return ErrorFile{static_cast<int>(*status), std::move(*path), 0};
}

Result<BindTls> parse_bind_tls_option(BindTls tls, std::string_view word) {
  const auto eq = word.find('=');
  const auto option = word.substr(0, eq);
  const auto arg = eq == std::string_view::npos ? std::string_view{} : word.substr(eq + 1);
  if (option == "crt" && eq != std::string_view::npos) {
    auto paths = comma_list("crt", arg);
    if (!paths) return tl::unexpected(paths.error());
    for (const auto& p : *paths) {
      if (auto ok = absolute_path("crt", p); !ok) return tl::unexpected(ok.error());
    }
    tls.crt = std::move(*paths);
  } else if (option == "alpn" && eq != std::string_view::npos) {
    auto protocols = parse_alpn(arg);
    if (!protocols) return tl::unexpected(protocols.error());
    // Terminated TLS carries HTTP/1.x to proxyd: announcing h2 would have
    // clients speak a protocol it does not.
    for (const auto& p : *protocols) {
      if (p != "http/1.1" && p != "http/1.0") {
        return fail("alpn: proxyd terminates HTTP/1.x only; '{}' cannot be offered (use http/1.1)", p);
      }
    }
    tls.alpn = std::move(*protocols);
  } else if (word == "no_tls_tickets") {
    tls.tickets = false;
  } else {
    return fail(
        "unknown bind option '{}' (expected accept_proxy, ssl, crt=PATH[,PATH], alpn=LIST, no_tls_tickets, "
        "or mode=/user=/group= on unix@ binds)",
        word);
  }
  return tls;
}

Result<ServerTls> parse_server_tls_option(ServerTls tls, std::string_view word) {
  const auto eq = word.find('=');
  const auto option = word.substr(0, eq);
  const auto arg = eq == std::string_view::npos ? std::string_view{} : word.substr(eq + 1);
  if (eq == std::string_view::npos || arg.empty()) return fail("unknown server option '{}'", word);
  if (option == "verify") {
    if (arg != "none" && arg != "required") return fail("server option verify: expected none or required");
    tls.verify = arg == "required";
  } else if (option == "ca_file") {
    auto path = absolute_path("ca_file", arg);
    if (!path) return tl::unexpected(path.error());
    tls.ca_file = std::move(*path);
  } else if (option == "sni") {
    if (!is_visible(arg)) return fail("server option sni: expected a host name");
    tls.sni = std::string(arg);
  } else if (option == "alpn") {
    auto protocols = parse_alpn(arg);
    if (!protocols) return tl::unexpected(protocols.error());
    tls.alpn = std::move(*protocols);
  } else if (option == "ciphers" || option == "ciphersuites") {
    if (!is_visible(arg)) return fail("server option {}: expected an OpenSSL cipher list", option);
    (option == "ciphers" ? tls.ciphers : tls.ciphersuites) = std::string(arg);
  } else {
    return fail("unknown server option '{}'", word);
  }
  return tls;
}

}  // namespace proxyd::config
