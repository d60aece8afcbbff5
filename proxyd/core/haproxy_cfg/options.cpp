// haproxy.cfg's `option …` lines, the check directives (`http-check`,
// `tcp-check`), and the words of `bind` and `server` lines.
#include <fmt/format.h>

#include <map>

#include "proxyd/core/haproxy_cfg/keyword_table.h"
#include "proxyd/core/haproxy_cfg/writer.h"

namespace proxyd::haproxy_cfg {
namespace {

// `option NAME` that sets a boolean key (and `no option NAME` clears it).
const std::map<std::string_view, const char*>& boolean_options() {
  static const std::map<std::string_view, const char*> kOptions{
      {"redispatch", "redispatch"},
      {"dontlognull", "dontlognull"},
      {"http-server-close", "http_server_close"},
      {"httpclose", "http_close"},
      {"forceclose", "http_close"},
      {"abortonclose", "abortonclose"},
      {"clitcpka", "clitcpka"},
      {"srvtcpka", "srvtcpka"},
      {"tcpka", "tcpka"},
      {"dontlog-normal", "dontlog_normal"},
  };
  return kOptions;
}

// `option NAME` that changes nothing for proxyd, and why.
const std::map<std::string_view, std::string_view>& no_op_options() {
  static const std::map<std::string_view, std::string_view> kOptions{
      {"http-keep-alive", "keep-alive on both sides is proxyd's default"},
      {"http-pretend-keepalive", "proxyd speaks keep-alive to servers unless http_server_close or http_close"},
      {"log-health-checks", "proxyd logs every server state change with the check's reason"},
      {"splice-auto", "proxyd splices mode tcp traffic itself"},
      {"splice-request", "proxyd splices mode tcp traffic itself"},
      {"splice-response", "proxyd splices mode tcp traffic itself"},
      {"contstats", "proxyd's counters are always up to date"},
      {"socket-stats", "proxyd counts per frontend and server"},
      {"http-use-htx", "proxyd has one HTTP engine"},
      {"independent-streams", "each direction's inactivity is timed on its own already"},
      {"nolinger", "proxyd closes sockets without lingering data it could not send"},
      {"allbackups", "proxyd balances over every usable backup server when no other is up"},
      {"http-buffer-request", "proxyd forwards request bodies as they arrive; rules see the head"},
      {"http-ignore-probes", "proxyd does not log connections that send nothing (dontlognull)"},
      {"log-separate-errors", "errors are logged at the same level"},
      {"prefer-last-server", "proxyd keeps a client's server connection for its next requests"},
  };
  return kOptions;
}

// option httpchk [METHOD] [URI] [VERSION] (VERSION may carry "\r\nHost: x").
void httpchk(Writer& w, const CfgLine& l, std::size_t first) {
  std::string check = "http";
  std::string method = l.words.size() > first + 1 ? std::string(l.word(first)) : "OPTIONS";
  std::string uri(l.words.size() > first + 1 ? l.word(first + 1) : l.word(first));
  if (uri.empty()) uri = "/";
  std::string version(l.word(first + 2));
  std::string host;
  if (const auto crlf = version.find("\r\n"); crlf != std::string::npos) {
    const auto header = version.substr(crlf + 2);
    if (header.size() > 5 && common::text::iequals(header.substr(0, 5), "host:")) {
      host = std::string(common::text::trim(std::string_view(header).substr(5)));
    }
    version = version.substr(0, crlf);
  }
  check += " " + method + " " + uri;
  if (!version.empty()) check += " " + version;
  if (!host.empty()) check += " Host=" + host;
  w.facts.check = check;
  w.facts.check_line = l.line;
}

void preset_check(Writer& w, const CfgLine& l, std::size_t name_at) {
  std::string check(l.word(name_at));
  for (std::size_t i = name_at + 1; i < l.words.size(); ++i) check += " " + l.words[i].text;
  w.facts.check = check;
  w.facts.check_line = l.line;
}

void forwardfor(Writer& w, const CfgLine& l, std::size_t first) {
  w.put("forwardfor", "true", l.line);
  for (std::size_t i = first; i < l.words.size(); i += 2) {
    if (l.word(i) == "if-none") {
      w.put("forwardfor_if_none", "true", l.line);
      --i;  // a flag: one word
    } else if (l.word(i) == "except") {
      w.put("forwardfor_except", std::string(l.word(i + 1)), l.line);
    } else {
      return w.unsupported(l, fmt::format("option forwardfor {}", l.word(i)),
                           "the header is X-Forwarded-For; use http_request = set-header for another one");
    }
  }
}

// http-check send [meth M] [uri U] [ver V] [hdr Host H]: the parts of
// proxyd's `check = http M U V Host=H`.
void http_check_send(Writer& w, const CfgLine& l) {
  // What `option httpchk` set (here or in defaults) is the base; HAProxy's
  // defaults otherwise (OPTIONS / HTTP/1.0).
  std::string method = "OPTIONS";
  std::string uri = "/";
  std::string version;
  std::string host;
  const auto base = w.facts.check ? w.facts.check : w.inherited_check;
  if (base && base->starts_with("http")) {
    const auto words = common::text::split_words(*base);
    for (std::size_t k = 1; k < words.size(); ++k) {
      if (k == 1) method = std::string(words[k]);
      if (k == 2) uri = std::string(words[k]);
      if (k == 3 && words[k].starts_with("HTTP/")) version = std::string(words[k]);
      if (words[k].starts_with("Host=")) host = std::string(words[k].substr(5));
    }
  }
  for (std::size_t i = 2; i < l.words.size(); i += 2) {
    const auto key = l.word(i);
    if (key == "meth") {
      method = l.word(i + 1);
    } else if (key == "uri") {
      uri = l.word(i + 1);
    } else if (key == "ver") {
      version = l.word(i + 1);
    } else if (key == "hdr" && common::text::iequals(l.word(i + 1), "host")) {
      host = l.word(i + 2);
      ++i;
    } else {
      return w.unsupported(l, fmt::format("http-check send {}", key), "meth, uri, ver and hdr Host are");
    }
  }
  auto check = fmt::format("http {} {}", method, uri);
  if (!version.empty()) check += " " + version;
  if (!host.empty()) check += " Host=" + host;
  w.facts.check = check;
  w.facts.check_line = l.line;
}

}  // namespace

void Writer::unsupported(const CfgLine& l, std::string_view keyword, std::string_view why) {
  error(l.line, fmt::format("'{}' is not supported by proxyd: {}", keyword, why));
}

void Writer::no_op(const CfgLine& l, std::string_view keyword, std::string_view why) {
  notice(l.line, fmt::format("'{}' changes nothing for proxyd: {}", keyword, why));
}

std::string escape_check_text(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f || c == ' ') {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

bool Writer::known_elsewhere(const CfgLine& l, std::string_view context, std::string_view keyword,
                             std::string_view shown) {
  const auto verdict = find_keyword(context, keyword);
  if (!verdict) return false;
  if (shown.empty()) shown = keyword;
  verdict->no_op ? no_op(l, shown, verdict->reason) : unsupported(l, shown, verdict->reason);
  return true;
}

common::Result<std::string> to_duration(std::string_view t, std::string_view bare_unit) {
  std::size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) {
    return common::fail("'{}': expected a time (HAProxy's: 500, 500ms, 5s, 1m, 1h, 1d)", t);
  }
  const auto unit = t.substr(digits);
  if (unit.empty()) return std::string(t) + std::string(bare_unit);  // HAProxy's bare numbers: ms, mostly
  if (unit == "us") {
    std::uint64_t us = 0;
    for (const char c : t.substr(0, digits)) us = us * 10 + static_cast<std::uint64_t>(c - '0');
    return fmt::format("{}ms", (us + 999) / 1000);
  }
  if (unit == "ms" || unit == "s" || unit == "m" || unit == "h" || unit == "d") return std::string(t);
  // HAProxy 2.6 reads "15min" as 15m (ignoring what follows the unit), with a
  // warning that it will be an error: so does proxyd (put_duration warns).
  if (unit == "min") return std::string(t.substr(0, digits)) + "m";
  return common::fail("'{}': unknown time unit '{}' (us, ms, s, m, h, d)", t, unit);
}

void option_directive(Writer& w, const CfgLine& l) {
  const bool negated = l.word(0) == "no";
  const std::size_t at = negated ? 2 : 1;
  const auto name = l.word(at);
  if (const auto it = boolean_options().find(name); it != boolean_options().end()) {
    return w.put(it->second, negated ? "false" : "true", l.line);
  }
  if (const auto it = no_op_options().find(name); it != no_op_options().end()) {
    return w.no_op(l, fmt::format("option {}", name), it->second);
  }
  if (w.known_elsewhere(l, "proxy", fmt::format("option {}", name))) return;
  if (negated) return w.unsupported(l, fmt::format("no option {}", name), "this option cannot be negated here");
  if (name == "httplog" || name == "tcplog") {
    if (l.words.size() > at + 1) return w.unsupported(l, "option httplog clf", "log_format = a custom format");
    return w.put("log_format", std::string(name), l.line);
  }
  if (name == "forwardfor") return forwardfor(w, l, at + 1);
  if (name == "originalto") {
    if (l.words.size() > at + 1)
      return w.unsupported(l, "option originalto except|header", "the header is X-Original-To");
    return w.put("http_request", "add-header X-Original-To %[dst]", l.line);
  }
  if (name == "httpchk") return httpchk(w, l, at + 1);
  if (name == "tcp-check") return preset_check(w, l, at);
  if (name == "redis-check" || name == "smtpchk" || name == "pgsql-check" || name == "mysql-check" ||
      name == "ldap-check" || name == "ssl-hello-chk") {
    return preset_check(w, l, at);
  }
  if (w.known_elsewhere(l, "proxy", fmt::format("option {}", name))) return;
  w.unsupported(l, fmt::format("option {}", name), "see proxyd/README.md for the options proxyd has");
}

void check_directive(Writer& w, const CfgLine& l) {
  const auto what = l.word(1);
  if (l.word(0) == "tcp-check") {
    if (what == "send-binary" || what == "send-lf" || what == "comment") {
      if (what != "send-binary") return w.unsupported(l, fmt::format("tcp-check {}", what), "send and expect are");
      return w.put("tcp_check", "send_binary " + l.plain(2), l.line);
    }
    if (what == "send") return w.put("tcp_check", "send " + escape_check_text(l.word(2)), l.line);
    return w.put("tcp_check", l.plain(1), l.line);
  }
  if (what == "expect") {
    const auto kind = l.word(2);
    if (kind == "status" || kind == "string") return w.put("check_expect", l.plain(2), l.line);
    return w.unsupported(l, fmt::format("http-check expect {}", kind), "status CODE[-CODE] and string TEXT are");
  }
  if (what == "disable-on-404") {
    return w.unsupported(l, "http-check disable-on-404", "drain the server with the runtime API or an agent");
  }
  if (what == "send-state") return w.no_op(l, "http-check send-state", "proxyd sends no state header");
  if (what == "send") return http_check_send(w, l);
  if (w.known_elsewhere(l, "proxy", fmt::format("{} {}", l.word(0), what))) return;
  w.unsupported(l, fmt::format("http-check {}", what), "option httpchk METHOD URI and http-check expect are");
}

}  // namespace proxyd::haproxy_cfg
