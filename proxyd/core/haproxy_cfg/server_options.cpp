// The words of haproxy.cfg's `server`, `default-server` and `bind` lines
// in proxyd's option words.
#include <fmt/format.h>

#include <map>

#include "proxyd/core/haproxy_cfg/keyword_table.h"
#include "proxyd/core/haproxy_cfg/writer.h"

namespace proxyd::haproxy_cfg {
namespace {

enum class Arg { None, Value, Duration };

struct Mapped {
  const char* ours;  // proxyd's option word; "" = the value alone
  Arg arg;
};

const std::map<std::string_view, Mapped>& server_words() {
  static const std::map<std::string_view, Mapped> kWords{
      {"inter", {"inter", Arg::Duration}},
      {"fastinter", {"fastinter", Arg::Duration}},
      {"downinter", {"downinter", Arg::Duration}},
      {"slowstart", {"slowstart", Arg::Duration}},
      {"agent-inter", {"agent_inter", Arg::Duration}},
      {"rise", {"rise", Arg::Value}},
      {"fall", {"fall", Arg::Value}},
      {"weight", {"weight", Arg::Value}},
      {"maxconn", {"maxconn", Arg::Value}},
      {"maxqueue", {"maxqueue", Arg::Value}},
      {"error-limit", {"error_limit", Arg::Value}},
      {"observe", {"observe", Arg::Value}},
      {"on-error", {"on_error", Arg::Value}},
      {"on-marked-down", {"on_marked_down", Arg::Value}},
      {"on-marked-up", {"on_marked_up", Arg::Value}},
      {"agent-port", {"agent_port", Arg::Value}},
      {"agent-addr", {"agent_addr", Arg::Value}},
      {"agent-send", {"agent_send", Arg::Value}},
      {"port", {"check_port", Arg::Value}},
      {"addr", {"check_addr", Arg::Value}},
      {"check-sni", {"check_sni", Arg::Value}},
      {"verify", {"verify", Arg::Value}},
      {"ca-file", {"ca_file", Arg::Value}},
      {"alpn", {"alpn", Arg::Value}},
      {"ciphers", {"ciphers", Arg::Value}},
      {"ciphersuites", {"ciphersuites", Arg::Value}},
      {"cookie", {"cookie", Arg::Value}},
      {"resolvers", {"resolvers", Arg::Value}},
      {"init-addr", {"init_addr", Arg::Value}},
      {"resolve-prefer", {"resolve_prefer", Arg::Value}},
      {"resolve-net", {"resolve_net", Arg::Value}},
      {"check-proto", {"check_proto", Arg::Value}},
      {"backup", {"backup", Arg::None}},
      {"disabled", {"disabled", Arg::None}},
      {"agent-check", {"agent_check", Arg::None}},
      {"check-ssl", {"check_ssl", Arg::None}},
      {"ssl", {"ssl", Arg::None}},
      {"send-proxy", {"send_proxy=v1", Arg::None}},
      {"send-proxy-v2", {"send_proxy=v2", Arg::None}},
  };
  return kWords;
}

// Server words that change nothing for proxyd, and why.
const std::map<std::string_view, std::pair<Arg, std::string_view>>& server_no_ops() {
  static const std::map<std::string_view, std::pair<Arg, std::string_view>> kWords{
      {"id", {Arg::Value, "proxyd numbers servers in file order"}},
      {"enabled", {Arg::None, "servers start enabled"}},
      {"no-sslv3", {Arg::None, "proxyd never speaks below TLS 1.2"}},
      {"no-tlsv10", {Arg::None, "proxyd never speaks below TLS 1.2"}},
      {"no-tlsv11", {Arg::None, "proxyd never speaks below TLS 1.2"}},
      {"no-tls-tickets", {Arg::None, "proxyd does not resume server sessions with tickets"}},
      {"force-tlsv12", {Arg::None, "proxyd speaks TLS 1.2 or 1.3"}},
      {"ssl-min-ver", {Arg::Value, "proxyd never speaks below TLS 1.2"}},
      {"resolve-opts", {Arg::Value, "proxyd allows one address for several servers"}},
      {"pool-max-conn", {Arg::Value, "proxyd keeps one server connection per client connection"}},
      {"pool-purge-delay", {Arg::Value, "proxyd keeps one server connection per client connection"}},
      {"tfo", {Arg::None, "a tuning switch"}},
  };
  return kWords;
}

using NoOps = std::map<std::string_view, std::pair<Arg, std::string_view>>;

// A <context> (server, bind) word proxyd has no option for: a no-op (this
// file's list, then keyword_table's) with the words it takes, or refused.
std::optional<std::size_t> other_word(Writer& w, const CfgLine& l, std::size_t i, std::string_view context,
                                      const NoOps& no_ops, std::string_view help) {
  const auto word = l.word(i);
  const auto shown = fmt::format("{} … {}", context, word);
  if (const auto it = no_ops.find(word); it != no_ops.end()) {
    w.no_op(l, shown, it->second.second);
    return i + (it->second.first == Arg::Value ? 2 : 1);
  }
  if (const auto verdict = find_keyword(context, word); verdict && verdict->no_op) {
    w.no_op(l, shown, verdict->reason);
    return i + (verdict->takes_value ? 2 : 1);
  }
  if (!w.known_elsewhere(l, context, word, shown))
    w.unsupported(l, shown, fmt::format("see proxyd/README.md, {}", help));
  return std::nullopt;
}

std::string underscores(std::string_view value) {
  std::string out(value);
  for (auto& c : out) c = c == '-' ? '_' : c;
  return out;
}

// HAProxy's `sni str(NAME)`: proxyd's sni= takes the name only.
std::optional<std::string> literal_sni(std::string_view expression) {
  if (expression.starts_with("str(") && expression.ends_with(")")) {
    return std::string(expression.substr(4, expression.size() - 5));
  }
  return std::nullopt;
}

// One option word at words[i]; the next index, or nullopt after an error.
std::optional<std::size_t> server_word(Writer& w, const CfgLine& l, std::size_t i, std::string& out, bool& checked) {
  const auto word = l.word(i);
  if (word == "check") {
    checked = true;
    return i + 1;
  }
  if (word == "no-check") {  // even under `default-server check`
    out += " no_check";
    return i + 1;
  }
  if (word == "verifyhost") {  // the name the certificate must carry: proxyd's sni= (also sent as SNI)
    out += fmt::format(" sni={}", l.word(i + 1));
    return i + 2;
  }
  if (word.starts_with("no-") && server_words().contains(word.substr(3))) {
    w.unsupported(l, fmt::format("server … {}", word),
                  "it negates a default-server option: write that option on the servers that need it");
    return std::nullopt;
  }
  if (word == "sni") {
    auto name = literal_sni(l.word(i + 1));
    if (!name) {
      w.unsupported(l, fmt::format("sni {}", l.word(i + 1)), "sni str(NAME): proxyd's sni is a fixed name");
      return std::nullopt;
    }
    out += " sni=" + *name;
    return i + 2;
  }
  if (const auto it = server_words().find(word); it != server_words().end()) {
    const auto& m = it->second;
    if (m.arg == Arg::None) {
      out += fmt::format(" {}", m.ours);
      return i + 1;
    }
    if (i + 1 >= l.words.size()) {
      w.error(l.line, fmt::format("server option '{}' expects a value", word));
      return std::nullopt;
    }
    std::string value(l.word(i + 1));
    if (m.arg == Arg::Duration) {
      auto d = to_duration(value);
      if (!d) {
        w.error(l.line, fmt::format("server option '{}': {}", word, d.error().message));
        return std::nullopt;
      }
      value = *d;
    } else if (word == "on-error" || word == "on-marked-down" || word == "on-marked-up") {
      value = underscores(value);
    } else if (word == "agent-send") {
      value = escape_check_text(value);  // one word again for proxyd's parser, its bytes as escapes
    }
    if (word == "ca-file") value = w.with_base(w.ca_base, value);
    out += fmt::format(" {}={}", m.ours, value);
    return i + 2;
  }
  return other_word(w, l, i, "server", server_no_ops(), "Backend keys, for the server options");
}

// HAProxy's address prefixes and shorthands in proxyd's words.
std::optional<std::string> address_of(Writer& w, const CfgLine& l, std::string_view written) {
  // HAProxy expands $VAR and ${VAR} in addresses, quoted or not.
  std::string expanded(written);
  if (written.find('$') != std::string_view::npos && w.env != nullptr) {
    std::vector<std::string> unset;
    // expand_env reads variables inside double quotes: quote the word whole.
    expanded = common::config::expand_env(fmt::format("\"{}\"", written), *w.env, &unset);
    if (!unset.empty()) {
      w.error(l.line,
              fmt::format("'{}': ${} is not set (HAProxy expands variables in addresses)", written, unset.front()));
      return std::nullopt;
    }
  }
  std::string_view address = expanded;
  for (const std::string_view prefix : {"ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@"}) {
    if (address.starts_with(prefix)) address.remove_prefix(prefix.size());
  }
  if (address.starts_with("fd@") || address.starts_with("abns@") || address.starts_with("sockpair@") ||
      address.starts_with("udp") || address.starts_with("quic")) {
    w.unsupported(l, address, "proxyd binds IP addresses and unix@ paths");
    return std::nullopt;
  }
  std::string out(address);
  if (out.starts_with(':') && out.find(':', 1) == std::string::npos) return "*" + out;  // ":80"
  const auto colon = out.rfind(':');
  if (!out.starts_with('[') && colon != std::string::npos && out.find(':') != colon) {
    const auto host = out.substr(0, colon);  // ":::80", "2001:db8::1:443"
    return fmt::format("[{}]{}", host == "::" || host.empty() ? "::" : host, out.substr(colon));
  }
  return out;
}

}  // namespace

std::optional<std::string> server_value(Writer& w, const CfgLine& l, std::size_t first_option, bool& checked) {
  std::string out;
  if (l.word(0) == "server-template") {  // PREFIX COUNT ADDRESS
    if (l.words.size() < 4) {
      w.error(l.line, "server-template: expected PREFIX COUNT ADDRESS[:PORT] [options]");
      return std::nullopt;
    }
    auto address = address_of(w, l, l.word(3));
    if (!address) return std::nullopt;
    out = fmt::format("{} {} {}", l.word(1), l.word(2), *address);
    first_option = 4;
  } else if (first_option == 3) {
    auto address = address_of(w, l, l.word(2));
    if (!address) return std::nullopt;
    out = fmt::format("{} {}", l.word(1), *address);
  }
  for (std::size_t i = first_option; i < l.words.size();) {
    const auto next = server_word(w, l, i, out, checked);
    if (!next) return std::nullopt;
    i = *next;
  }
  if (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

}  // namespace proxyd::haproxy_cfg

namespace proxyd::haproxy_cfg {
namespace {

// Bind words that change nothing for proxyd, and why.
const std::map<std::string_view, std::pair<Arg, std::string_view>>& bind_no_ops() {
  static const std::map<std::string_view, std::pair<Arg, std::string_view>> kWords{
      {"no-sslv3", {Arg::None, "proxyd never offers below TLS 1.2"}},
      {"no-tlsv10", {Arg::None, "proxyd never offers below TLS 1.2"}},
      {"no-tlsv11", {Arg::None, "proxyd never offers below TLS 1.2"}},
      {"defer-accept", {Arg::None, "a TCP tuning switch proxyd does not expose"}},
      {"tfo", {Arg::None, "no TCP Fast Open; clients fall back to a normal handshake"}},
      {"allow-0rtt", {Arg::None, "proxyd accepts no TLS early data; clients do a full handshake"}},
      {"npn", {Arg::Value, "NPN is obsolete; proxyd negotiates with ALPN"}},
      {"id", {Arg::Value, "proxyd numbers binds itself"}},
      {"name", {Arg::Value, "proxyd names binds by address"}},
      {"process", {Arg::Value, "proxyd is one process; every thread accepts on each bind"}},
      {"thread", {Arg::Value, "every thread accepts on each bind"}},
      {"nice", {Arg::Value, "proxyd's listeners have no priorities"}},
      {"backlog", {Arg::Value, "proxyd's backlog is 4096, capped by net.core.somaxconn"}},
      {"shards", {Arg::Value, "proxyd opens one SO_REUSEPORT socket per thread"}},
      {"tls-ticket-keys", {Arg::Value, "proxyd makes its own ticket keys"}},
  };
  return kWords;
}

struct BindWords {
  std::string options;
  std::vector<std::string> crt;
  bool ssl = false;
  bool v4v6 = false;
  bool v6only = false;
};

// One bind word at words[i]; the next index, or nullopt after an error.
std::optional<std::size_t> bind_word(Writer& w, const CfgLine& l, std::size_t i, BindWords& out) {
  const auto word = l.word(i);
  const std::string value(l.word(i + 1));
  if (word == "ssl") return out.ssl = true, i + 1;
  if (word == "level") {
    w.unsupported(l, "bind … level", "level is the runtime API socket's: stats socket PATH level L");
    return std::nullopt;
  }
  if (word == "accept-proxy") return out.options += " accept_proxy", i + 1;
  if (word == "v4v6") return out.v4v6 = true, i + 1;
  if (word == "v6only") return out.v6only = true, i + 1;
  if (word == "no-tls-tickets") return out.options += " no_tls_tickets", i + 1;
  if (word == "crt") return out.crt.push_back(w.with_base(w.crt_base, value)), i + 2;
  if (word == "mode" || word == "user" || word == "group" || word == "uid" || word == "gid") {
    return out.options += fmt::format(" {}={}", word, value), i + 2;
  }
  if (word == "alpn") {
    std::string kept;
    for (const auto protocol : split_on(value, ',')) {
      if (protocol == "h2") {
        w.notice(l.line, "bind … alpn h2: proxyd speaks HTTP/1.x, so h2 is not offered (clients fall back)");
        continue;
      }
      kept += (kept.empty() ? "" : ",") + std::string(protocol);
    }
    if (!kept.empty()) out.options += " alpn=" + kept;
    return i + 2;
  }
  if (word == "ssl-min-ver" || word == "force-tlsv13" || word == "no-tlsv12") {
    w.put("ssl_min_version", word == "ssl-min-ver" ? value : "TLSv1.3", l.line);
    return i + (word == "ssl-min-ver" ? 2 : 1);
  }
  if (word == "ciphers" || word == "ciphersuites") {
    w.put(word == "ciphers" ? "ssl_ciphers" : "ssl_ciphersuites", value, l.line);
    return i + 2;
  }
  return other_word(w, l, i, "bind", bind_no_ops(), "Frontend keys, for the bind options");
}

}  // namespace

std::vector<std::string> bind_values(Writer& w, const CfgLine& l) {
  BindWords words;
  for (std::size_t i = 2; i < l.words.size();) {
    const auto next = bind_word(w, l, i, words);
    if (!next) return {};
    i = *next;
  }
  std::string tls;
  if (words.ssl) {
    tls = " ssl crt=";
    for (std::size_t k = 0; k < words.crt.size(); ++k) tls += (k ? "," : "") + words.crt[k];
  } else if (!words.crt.empty()) {
    w.warning(l.line, "bind … crt without ssl: the certificate is not used (as HAProxy)");
  }
  std::vector<std::string> out;
  for (const auto address : split_on(l.word(1), ',')) {
    auto ours = address_of(w, l, address);
    if (!ours) return {};
    out.push_back(*ours + words.options + tls);
    // HAProxy's [::] bind takes IPv4 too (Linux's bindv6only=0) unless
    // v6only; proxyd's are IPv6-only, so the IPv4 twin is bound beside it.
    if (!words.v6only && ours->starts_with("[::]:")) out.push_back("*" + ours->substr(4) + words.options + tls);
  }
  return out;
}

}  // namespace proxyd::haproxy_cfg
