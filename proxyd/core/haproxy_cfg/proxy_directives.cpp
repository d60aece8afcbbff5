// haproxy.cfg's proxy sections (defaults, frontend, backend, listen): the
// directives that are not `option …` (options.cpp has those, and the bind
// and server options).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "proxyd/core/haproxy_cfg/writer.h"

namespace proxyd::haproxy_cfg {
namespace {

using Handler = void (*)(Writer&, const CfgLine&);

void put_tail(Writer& w, const CfgLine& l, const char* key) {
  if (l.words.size() < 2) return w.error(l.line, fmt::format("'{}' expects arguments", l.word(0)));
  w.put(key, l.tail(1), l.line);
}

void put_plain(Writer& w, const CfgLine& l, const char* key) {
  if (l.words.size() < 2) return w.error(l.line, fmt::format("'{}' expects a value", l.word(0)));
  w.put(key, l.plain(1), l.line);
}

void put_duration(Writer& w, const CfgLine& l, const std::string& key, std::string_view value) {
  auto d = to_duration(value);
  if (!d) return w.error(l.line, fmt::format("'{}': {}", l.plain(0), d.error().message));
  if (value.ends_with("min")) {
    w.warning(l.line, fmt::format("'{}': 'min' is not one of HAProxy's units; read as {} (HAProxy 2.6 warns the "
                                  "same and will refuse it)",
                                  value, *d));
  }
  w.put(key, *d, l.line);
}

bool needs(Writer& w, const CfgLine& l, bool frontend, bool backend) {
  if ((frontend && !w.has_frontend()) || (backend && !w.has_backend())) {
    w.error(l.line, fmt::format("'{}' is not allowed in this section (it belongs to a {})", l.word(0),
                                frontend ? "frontend or listen" : "backend or listen"));
    return false;
  }
  return true;
}

void timeout(Writer& w, const CfgLine& l) {
  static const std::map<std::string_view, const char*> kTimeouts{{"client", "timeout_client"},
                                                                 {"server", "timeout_server"},
                                                                 {"connect", "timeout_connect"},
                                                                 {"queue", "timeout_queue"},
                                                                 {"check", "timeout_check"},
                                                                 {"tunnel", "timeout_tunnel"},
                                                                 {"tarpit", "timeout_tarpit"},
                                                                 {"http-request", "timeout_http_request"},
                                                                 {"http-keep-alive", "timeout_http_keep_alive"},
                                                                 {"client-fin", "timeout_client_fin"},
                                                                 {"server-fin", "timeout_server_fin"}};
  const auto it = kTimeouts.find(l.word(1));
  if (it == kTimeouts.end()) return w.error(l.line, fmt::format("unknown timeout '{}'", l.word(1)));
  put_duration(w, l, it->second, l.word(2));
}

// 1.x spellings (removed in HAProxy 2.1, still in tutorials).
void old_timeout(Writer& w, const CfgLine& l) {
  const auto keyword = l.word(0);
  const char* key = keyword == "clitimeout"   ? "timeout_client"
                    : keyword == "srvtimeout" ? "timeout_server"
                                              : "timeout_connect";
  w.notice(l.line, fmt::format("'{}' is HAProxy 1.x's spelling of '{}'", keyword, key));
  put_duration(w, l, key, l.word(1));
}

void balance(Writer& w, const CfgLine& l) {
  if (!needs(w, l, false, true)) return;
  const auto algorithm = l.word(1);
  static constexpr std::string_view kKnown[] = {"roundrobin", "static-rr", "leastconn", "source",
                                                "first",      "random",    "uri"};
  const bool hdr = algorithm.starts_with("hdr(") && algorithm.ends_with(")");
  if (std::find(std::begin(kKnown), std::end(kKnown), algorithm) == std::end(kKnown) && !hdr) {
    return w.unsupported(l, fmt::format("balance {}", algorithm),
                         "roundrobin, static-rr, leastconn, source, first, random, uri and hdr(NAME) are");
  }
  if (l.words.size() > 2) {
    return w.unsupported(l, fmt::format("balance {} {}", algorithm, l.word(2)), "the algorithm takes no options");
  }
  w.put("balance", std::string(algorithm), l.line);
}

void server(Writer& w, const CfgLine& l) {
  if (!needs(w, l, false, true)) return;
  if (l.words.size() < 3) return w.error(l.line, "server: expected NAME ADDRESS[:PORT] [options]");
  bool checked = false;
  auto value = server_value(w, l, 3, checked);
  if (!value) return;
  const bool template_line = l.word(0) == "server-template";
  w.facts.forwards = true;
  w.facts.servers.push_back({w.section->entries.size(), checked});
  w.put(template_line ? "server_template" : "server", *value, l.line);
}

void default_server(Writer& w, const CfgLine& l) {
  bool checked = false;
  auto value = server_value(w, l, 1, checked);
  if (!value) return;
  if (checked) w.facts.default_server_check = true;
  if (!value->empty()) w.put("default_server", *value, l.line);
}

void bind(Writer& w, const CfgLine& l) {
  if (!needs(w, l, true, false) || w.kind == SectionKind::Defaults) {
    if (w.kind == SectionKind::Defaults) w.error(l.line, "'bind' is not allowed in defaults");
    return;
  }
  for (auto& value : bind_values(w, l)) {
    const auto address = value.substr(0, value.find(' '));
    const bool bound = std::any_of(w.section->entries.begin(), w.section->entries.end(), [&](const auto& e) {
      return e.key == "bind" && e.value.substr(0, e.value.find(' ')) == address;
    });
    if (!bound) w.put("bind", std::move(value), l.line);  // `bind :80` beside `bind :::80`: once
  }
}

void capture(Writer& w, const CfgLine& l) {
  const auto what = l.word(1);
  const auto header = l.word(2);
  if ((what == "request" || what == "response") && header == "header") {
    return w.put(fmt::format("capture_{}_header", what), l.plain(3), l.line);
  }
  w.unsupported(l, fmt::format("capture {} {}", what, header),
                "capture request|response header NAME len N, or http_request = capture SAMPLE len N");
}

void log(Writer& w, const CfgLine& l) {
  if (l.word(1) == "global") {
    return w.no_op(l, "log global", "proxyd sends every proxy's lines to [global]'s log targets");
  }
  // The same target as global's: what proxyd does anyway.
  const auto value = log_value(w, l);
  if (!value) return;
  if (std::find(w.global_logs.begin(), w.global_logs.end(), *value) != w.global_logs.end()) {
    return w.no_op(l, "log (in a proxy)",
                   "the same target as a global log line, where proxyd sends every proxy's "
                   "lines");
  }
  if (w.kind == SectionKind::Defaults && w.global_logs.empty()) {
    w.defaults_logs.push_back({"log", *value, l.line});
    w.defaults_with_logs.insert(w.section->line);
    return;
  }
  w.unsupported(l, "log (in a proxy)", "proxyd logs every proxy to [global]'s targets: move the log line there");
}

// monitor-uri PATH: answered 200 and unlogged, before any rule (HAProxy's
// order), in frontends only (a backend's is ignored, as by HAProxy).
void monitor_uri(Writer& w, const CfgLine& l) {
  if (w.kind == SectionKind::Backend) {
    return w.notice(l.line, "'monitor-uri' in a backend is ignored, as by HAProxy (it is a frontend's)");
  }
  const auto on_path = [&](std::vector<CfgWord> action) {
    for (const char* word : {"if", "{", "path"}) action.push_back({word, false});
    action.push_back(l.words.size() > 1 ? l.words[1] : CfgWord{});
    action.push_back({"}", false});
    return common::config::IniEntry{"http_request", CfgLine{std::move(action), l.line}.tail(0), l.line};
  };
  w.facts.monitor_uri = {on_path({{"set-log-level", false}, {"silent", false}}), on_path({{"return", false},
                                                                                          {"status", false},
                                                                                          {"200", false},
                                                                                          {"content-type", false},
                                                                                          {"text/plain", false},
                                                                                          {"string", false},
                                                                                          {"OK", false}})};
}

void stats(Writer& w, const CfgLine& l) {
  const auto what = l.word(1);
  static const std::map<std::string_view, const char*> kKeys{
      {"uri", "uri"}, {"auth", "auth"}, {"realm", "realm"}, {"refresh", "refresh"}, {"show-node", "show_node"}};
  w.facts.stats = true;
  if (what == "enable") return;
  if (what == "hide-version" || what == "show-legends") {
    return w.facts.stats_entries.push_back({what == "hide-version" ? "hide_version" : "show_legends", "true", l.line});
  }
  if (what == "admin") return w.facts.stats_entries.push_back({"admin", l.tail(2), l.line});
  if (const auto it = kKeys.find(what); it != kKeys.end()) {
    auto value = l.plain(2);
    if (what == "show-node" && value.empty()) value = "true";
    if (what == "refresh") {
      auto d = to_duration(value, "s");  // HAProxy's unit here is the second
      if (!d) return w.error(l.line, "stats refresh: " + d.error().message);
      value = *d;
    }
    return w.facts.stats_entries.push_back({it->second, value, l.line});
  }
  if (what == "show-desc" || what == "show-modules" || what == "scope" || what == "bind-process" || what == "maxconn" ||
      what == "timeout") {
    return w.no_op(l, fmt::format("stats {}", what), "proxyd's stats page always shows every proxy, no description");
  }
  if (w.known_elsewhere(l, "proxy", fmt::format("stats {}", what))) return;
  w.unsupported(l, fmt::format("stats {}", what),
                "uri, auth, realm, refresh, admin, hide-version, show-node, show-legends are");
}

// reqadd/rspadd "NAME:\ value" (HAProxy 1.x) as add-header rules.
void old_add_header(Writer& w, const CfgLine& l) {
  const auto text = l.word(1);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return w.error(l.line, fmt::format("{}: expected 'Name:\\ value'", l.word(0)));
  CfgLine rule{{{"add-header", false},
                {std::string(text.substr(0, colon)), false},
                {std::string(common::text::trim(text.substr(colon + 1))), true}},
               l.line};
  for (std::size_t i = 2; i < l.words.size(); ++i) rule.words.push_back(l.words[i]);
  w.notice(l.line, fmt::format("'{}' is HAProxy 1.x's; read as {} = add-header", l.word(0),
                               l.word(0) == "reqadd" ? "http_request" : "http_response"));
  w.put(l.word(0) == "reqadd" ? "http_request" : "http_response", rule.tail(0), l.line);
}

// reqidel/rspidel "^Name:.*" (HAProxy 1.x) as del-header rules; other
// regexes have no rule of their own.
void old_del_header(Writer& w, const CfgLine& l) {
  auto pattern = l.word(1);
  const bool request = l.word(0).starts_with("req");
  for (const std::string_view tail : {".*", " .*", ""}) {
    if (!pattern.starts_with('^') || !pattern.ends_with(":" + std::string(tail))) continue;
    const auto name = pattern.substr(1, pattern.size() - 2 - tail.size());
    const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!plain) break;
    w.notice(l.line, fmt::format("'{}' is HAProxy 1.x's; read as {} = del-header {}", l.word(0),
                                 request ? "http_request" : "http_response", name));
    CfgLine rule{{{"del-header", false}, {std::string(name), false}}, l.line};
    for (std::size_t i = 2; i < l.words.size(); ++i) rule.words.push_back(l.words[i]);
    return w.put(request ? "http_request" : "http_response", rule.tail(0), l.line);
  }
  w.unsupported(l, l.word(0), "HAProxy 1.x's regex header deletion: http_request = del-header NAME");
}

// reqrep/reqirep/rsprep/rspirep REGEX STRING [cond] (HAProxy 1.x, refused
// by 2.1+): proxyd keeps them as rules of the same name.
void old_replace(Writer& w, const CfgLine& l) {
  if (l.words.size() < 3) return w.error(l.line, fmt::format("'{}' expects REGEX STRING", l.word(0)));
  const bool request = l.word(0).starts_with("req");
  w.notice(l.line, fmt::format("'{}' is HAProxy 1.x's (2.1 refuses it); read as {} = {}", l.word(0),
                               request ? "http_request" : "http_response", l.word(0)));
  w.put(request ? "http_request" : "http_response", l.tail(0), l.line);
}

const std::map<std::string_view, Handler>& handlers() {
  static const std::map<std::string_view, Handler> kHandlers{
      {"mode", [](Writer& w, const CfgLine& l) { put_plain(w, l, "mode"); }},
      {"dynamic-cookie-key", [](Writer& w, const CfgLine& l) { put_plain(w, l, "dynamic_cookie_key"); }},
      {"balance", balance},
      {"hash-type", [](Writer& w, const CfgLine& l) { put_plain(w, l, "hash_type"); }},
      {"server", server},
      {"server-template", server},
      {"default-server", default_server},
      {"bind", bind},
      {"default_backend",
       [](Writer& w, const CfgLine& l) {
         w.facts.forwards = true;
         if (needs(w, l, true, false)) put_plain(w, l, "backend");
       }},
      {"use_backend",
       [](Writer& w, const CfgLine& l) {
         w.facts.forwards = true;
         if (needs(w, l, true, false)) put_tail(w, l, "use_backend");
       }},
      {"acl", [](Writer& w, const CfgLine& l) { put_tail(w, l, "acl"); }},
      {"http-request", [](Writer& w, const CfgLine& l) { put_tail(w, l, "http_request"); }},
      {"http-response", [](Writer& w, const CfgLine& l) { put_tail(w, l, "http_response"); }},
      {"redirect", [](Writer& w, const CfgLine& l) { put_tail(w, l, "redirect"); }},
      {"tcp-request",
       [](Writer& w, const CfgLine& l) {
         if (l.word(1) == "inspect-delay") return put_duration(w, l, "tcp_request_inspect_delay", l.word(2));
         put_tail(w, l, "tcp_request");
       }},
      {"timeout", timeout},
      {"clitimeout", old_timeout},
      {"srvtimeout", old_timeout},
      {"contimeout", old_timeout},
      {"retries", [](Writer& w, const CfgLine& l) { put_plain(w, l, "retries"); }},
      {"redispatch",
       [](Writer& w, const CfgLine& l) {
         w.notice(l.line, "'redispatch' is HAProxy 1.x's spelling of 'option redispatch'");
         w.put("redispatch", "true", l.line);
       }},
      {"maxconn",
       [](Writer& w, const CfgLine& l) {
         if (w.kind == SectionKind::Backend) {
           return w.no_op(l, "maxconn (in a backend)", "HAProxy ignores it there too; servers take maxconn=");
         }
         put_plain(w, l, "maxconn");
       }},
      {"fullconn",
       [](Writer& w, const CfgLine& l) {
         w.no_op(l, "fullconn", "it scales minconn, which proxyd's servers do not have (maxconn is fixed)");
       }},
      {"cookie", [](Writer& w, const CfgLine& l) { put_plain(w, l, "cookie"); }},
      {"errorfile", [](Writer& w, const CfgLine& l) { put_plain(w, l, "errorfile"); }},
      {"capture", capture},
      {"declare", [](Writer& w, const CfgLine& l) { w.put("declare_capture", l.plain(2), l.line); }},
      {"log", log},
      {"log-format", [](Writer& w, const CfgLine& l) { put_plain(w, l, "log_format"); }},
      {"stats", stats},
      {"reqadd", old_add_header},
      {"reqidel", old_del_header},
      {"reqrep", old_replace},
      {"reqirep", old_replace},
      {"rsprep", old_replace},
      {"rspirep", old_replace},
      {"reqdel", old_del_header},
      {"rspidel", old_del_header},
      {"rspdel", old_del_header},
      {"rspadd", old_add_header},
      {"dispatch",
       [](Writer& w, const CfgLine& l) {
         w.facts.forwards = true;
         w.facts.servers.push_back({w.section->entries.size(), false});
         w.put("server", fmt::format("dispatch {}", l.word(1)), l.line);
       }},
      {"disabled",
       [](Writer& w, const CfgLine& l) {
         w.facts.disabled = true;
         w.notice(l.line, "'disabled': this proxy is left out, as HAProxy does");
       }},
      {"errorfiles",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "errorfiles", "http-errors sections are not read: errorfile STATUS PATH in the proxy");
       }},
      {"description", [](Writer& w, const CfgLine& l) { w.no_op(l, "description", "proxyd shows no descriptions"); }},
      {"id", [](Writer& w, const CfgLine& l) { w.no_op(l, "id", "proxyd numbers proxies in file order"); }},
      {"enabled", [](Writer& w, const CfgLine& l) { w.no_op(l, "enabled", "proxies are enabled by default"); }},
      {"monitor-uri", monitor_uri},
      {"http-reuse",
       [](Writer& w, const CfgLine& l) {
         w.no_op(l, "http-reuse", "proxyd keeps each client's server connection alive for that client (safe)");
       }},
      {"stick-table",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "stick-table", "not supported yet: cookie persistence or balance source keep clients");
       }},
      {"stick",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "stick", "not supported yet: cookie persistence or balance source keep clients");
       }},
      {"compression",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "compression", "let the servers compress (they see Accept-Encoding)");
       }},
      {"unique-id-format",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "unique-id-format", "http_request = set-header X-Request-ID %[…] with a sample");
       }},
      {"errorloc",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "errorloc", "errorfile STATUS PATH with a page that redirects");
       }},
      {"email-alert",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "email-alert", "syslog alerts on 'is DOWN' lines, or vrrpd's notify scripts");
       }},
  };
  return kHandlers;
}

}  // namespace

void proxy_directive(Writer& w, const CfgLine& l) {
  const auto keyword = l.word(0);
  if (keyword == "option" || (keyword == "no" && l.word(1) == "option")) return option_directive(w, l);
  if (keyword == "http-check" || keyword == "tcp-check") return check_directive(w, l);
  if (const auto& all = handlers(); all.contains(keyword)) return all.at(keyword)(w, l);
  if (keyword.starts_with("clitcpka-") || keyword.starts_with("srvtcpka-")) {
    std::string key(keyword);  // seconds by default, as proxyd's durations
    std::replace(key.begin(), key.end(), '-', '_');
    return put_plain(w, l, key.c_str());
  }
  if (w.known_elsewhere(l, "proxy", keyword)) return;
  if (w.known_elsewhere(l, "proxy", fmt::format("{} {}", keyword, l.word(1)))) return;
  w.error(l.line, fmt::format("unknown or unsupported proxy directive '{}'", keyword));
}

}  // namespace proxyd::haproxy_cfg
