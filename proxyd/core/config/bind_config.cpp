// `bind = …` lines: an IP endpoint (or a port range), or a Unix socket
// (`unix@PATH` with its file's mode and owner), with accept_proxy and ssl.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "common/core/config/value_parsers.h"
#include "common/core/text.h"
#include "proxyd/core/config/http_config.h"
#include "proxyd/core/config/proxy_config.h"

namespace proxyd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;

namespace {

constexpr std::string_view kUnixFileUsage =
    "a unix@PATH bind takes mode=OCTAL, user=NAME, group=NAME, uid=N, gid=N (or HAProxy's 'mode 660')";

// `mode=660`, `user=NAME`, `group=NAME`, `uid=N`, `gid=N`, or HAProxy's two
// words (`mode 660`) at words[i]: the words taken, 0 if it is none of them,
// -1 if it is one but malformed or the bind is not unix@.
int parse_unix_file_option(Bind& bind, const std::vector<std::string_view>& words, std::size_t i) {
  static constexpr std::array<std::string_view, 5> kKeys{"mode", "user", "group", "uid", "gid"};
  const auto equals = words[i].find('=');
  const auto key = words[i].substr(0, equals);
  if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) return 0;
  const bool two_words = equals == std::string_view::npos;
  if (two_words && i + 1 >= words.size()) return -1;
  const auto value = two_words ? words[i + 1] : words[i].substr(equals + 1);
  if (!bind.address.is_unix() || value.empty()) return -1;
  auto& file = bind.unix_file;
  if (key == "mode") {
    std::uint32_t mode = 0;
    for (const char c : value) {
      if (c < '0' || c > '7' || mode > 07777) return -1;
      mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
    }
    if (mode > 07777) return -1;
    file.mode = mode;
  } else if (key == "user" || key == "uid") {
    if (key == "uid" && !cfg::parse_uint(value, 0, 4294967294u)) return -1;
    file.user = std::string(value);
  } else {
    if (key == "gid" && !cfg::parse_uint(value, 0, 4294967294u)) return -1;
    file.group = std::string(value);
  }
  return two_words ? 2 : 1;
}

}  // namespace

Result<std::vector<Bind>> parse_binds(std::string_view value) {
  const auto words = common::text::split_words(value);
  const auto dash = words.empty() ? std::string_view::npos : words[0].rfind('-');
  const auto colon = words.empty() ? std::string_view::npos : words[0].rfind(':');
  if (dash == std::string_view::npos || colon == std::string_view::npos || dash < colon ||
      cfg::is_unix_address(words[0])) {
    auto bind = parse_bind(value);
    if (!bind) return tl::unexpected(bind.error());
    return std::vector<Bind>{std::move(*bind)};
  }
  // ADDRESS:FIRST-LAST (HAProxy's port range): one bind per port.
  const auto first = cfg::parse_uint(words[0].substr(colon + 1, dash - colon - 1), 1, 65535);
  const auto last = cfg::parse_uint(words[0].substr(dash + 1), 1, 65535);
  if (!first || !last || *last < *first || *last - *first >= kMaxPortRange)
    return fail("'{}': a port range is FIRST-LAST, at most {} ports", words[0], kMaxPortRange);
  const auto rest = value.substr(value.find(words[0]) + words[0].size());
  std::vector<Bind> binds;
  for (auto port = *first; port <= *last; ++port) {
    auto bind = parse_bind(fmt::format("{}:{}{}", words[0].substr(0, colon), port, rest));
    if (!bind) return tl::unexpected(bind.error());
    binds.push_back(std::move(*bind));
  }
  return binds;
}

Result<Bind> parse_bind(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.empty()) return fail("expected ADDRESS:PORT [accept_proxy] [ssl crt=PATH[,PATH] [alpn=LIST]]");
  Bind bind;
  auto address = cfg::is_unix_address(words[0]) ? cfg::parse_unix_address(words[0]) : cfg::parse_endpoint(words[0]);
  if (!address) return tl::unexpected(address.error());
  bind.address = *address;
  bool ssl = false;
  BindTls tls;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "accept_proxy") {
      bind.accept_proxy = true;
    } else if (words[i] == "ssl") {
      ssl = true;
    } else if (auto taken = parse_unix_file_option(bind, words, i); taken != 0) {
      if (taken < 0) return fail("'{}': {}", words[i], kUnixFileUsage);
      i += static_cast<std::size_t>(taken) - 1;
    } else {
      auto updated = parse_bind_tls_option(std::move(tls), words[i]);
      if (!updated) return tl::unexpected(updated.error());
      tls = std::move(*updated);
    }
  }
  const bool tls_options = !tls.crt.empty() || !tls.alpn.empty() || !tls.tickets;
  if (!ssl && tls_options) return fail("crt=, alpn= and no_tls_tickets need ssl");
  if (!ssl) return bind;
  if (tls.crt.empty()) return fail("ssl needs crt=PATH");
  if (tls.alpn.empty()) tls.alpn = {"http/1.1"};
  bind.tls = std::move(tls);
  return bind;
}

}  // namespace proxyd::config
