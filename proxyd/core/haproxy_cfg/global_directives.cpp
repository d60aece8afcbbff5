// haproxy.cfg's `global` section, `resolvers` and `userlist` sections.
#include <fmt/format.h>

#include <map>

#include "proxyd/core/haproxy_cfg/writer.h"

namespace proxyd::haproxy_cfg {
namespace {

using Handler = void (*)(Writer&, const CfgLine&);

void global_log(Writer& w, const CfgLine& l) {
  if (auto value = log_value(w, l)) {
    w.global_logs.push_back(*value);
    w.put("log", *value, l.line);
  }
}

}  // namespace

// `log TARGET [len N] [format F] [sample …] FACILITY [LEVEL [MINLEVEL]]`.
std::optional<std::string> log_value(Writer& w, const CfgLine& l) {
  std::string target(l.word(1));
  if (target.empty()) {
    w.error(l.line, "log: expected a target (/dev/log, 127.0.0.1:514, stderr …)");
    return std::nullopt;
  }
  if (target == "stdout" || target == "fd@1" || target == "fd@2") {
    if (target != "fd@2") {
      w.notice(l.line,
               fmt::format("log {}: proxyd writes this target to stderr (journald and docker collect both)", target));
    }
    target = "stderr";
  } else if (target.starts_with("udp@") || target.starts_with("ipv4@")) {
    target = target.substr(target.find('@') + 1);
  }
  if (target != "stderr" && !target.starts_with('/') && target.find(':') == std::string::npos) target += ":514";
  std::string value = target;
  std::size_t i = 2;
  while (i < l.words.size()) {
    const auto word = l.word(i);
    if (word == "len") {
      w.notice(l.line, "log … len: proxyd sends its lines whole (up to 64 KiB over UDP)");
      i += 2;
    } else if (word == "format") {
      if (l.word(i + 1) == "raw") {
        value += " format raw";
      } else if (l.word(i + 1) != "rfc3164" && l.word(i + 1) != "local") {
        w.unsupported(l, "log … format " + std::string(l.word(i + 1)), "proxyd sends RFC 3164 or raw lines");
        return std::nullopt;
      }
      i += 2;
    } else if (word == "sample") {
      w.unsupported(l, "log … sample", "every line goes to each target");
      return std::nullopt;
    } else {
      break;
    }
  }
  for (std::size_t k = i; k < l.words.size() && k < i + 2; ++k) value += " " + l.words[k].text;
  if (l.words.size() > i + 2) {
    w.notice(l.line, "log … minlevel: proxyd does not raise the level of less severe lines");
  }
  return value;
}

namespace {

// `stats socket PATH|ipv4@ADDR:PORT [mode M] [level L] [user U] [group G] …`.
void stats_socket(Writer& w, const CfgLine& l) {
  std::string address(l.word(2));
  if (address.starts_with("unix@")) address = address.substr(5);
  std::string level;
  for (std::size_t i = 3; i + 1 < l.words.size() || i < l.words.size(); i += 2) {
    const auto word = l.word(i);
    const std::string value(l.word(i + 1));
    if (word == "level") {
      level = " level " + value;
    } else if (word == "mode") {
      w.put("admin_socket_mode", value, l.line);
    } else if (word == "user" || word == "uid") {
      w.put("admin_socket_user", value, l.line);
    } else if (word == "group" || word == "gid") {
      w.put("admin_socket_group", value, l.line);
    } else if (word == "expose-fd") {
      w.notice(l.line,
               "stats socket … expose-fd listeners: proxyd passes its listeners to the next generation "
               "itself on reload");
    } else {
      return w.unsupported(l, "stats socket … " + std::string(word), "mode, level, user, group are");
    }
  }
  w.put("admin_socket", address + level, l.line);
}

void stats_directive(Writer& w, const CfgLine& l) {
  const auto what = l.word(1);
  if (what == "socket") return stats_socket(w, l);
  if (what == "timeout") {
    return w.no_op(l, "stats timeout", "a runtime API connection ends once its command is answered");
  }
  if (what == "maxconn") return w.no_op(l, "stats maxconn", "the runtime API answers one command at a time");
  if (what == "bind-process") return w.no_op(l, "stats bind-process", "proxyd is one process");
  w.unsupported(l, fmt::format("stats {}", what), "stats socket, stats timeout, stats maxconn are");
}

void put_value(Writer& w, const CfgLine& l, const char* key) {
  if (l.words.size() < 2) return w.error(l.line, fmt::format("'{}' expects a value", l.word(0)));
  w.put(key, l.plain(1), l.line);
}

const std::map<std::string_view, Handler>& global_handlers() {
  static const std::map<std::string_view, Handler> kHandlers{
      {"maxconn", [](Writer& w, const CfgLine& l) { put_value(w, l, "maxconn"); }},
      {"nbthread", [](Writer& w, const CfgLine& l) { put_value(w, l, "threads"); }},
      {"user", [](Writer& w, const CfgLine& l) { put_value(w, l, "user"); }},
      {"uid", [](Writer& w, const CfgLine& l) { put_value(w, l, "user"); }},
      {"group", [](Writer& w, const CfgLine& l) { put_value(w, l, "group"); }},
      {"gid", [](Writer& w, const CfgLine& l) { put_value(w, l, "group"); }},
      {"pidfile", [](Writer& w, const CfgLine& l) { put_value(w, l, "pidfile"); }},
      {"cpu-map", [](Writer& w, const CfgLine& l) { put_value(w, l, "cpu_map"); }},
      {"log-tag", [](Writer& w, const CfgLine& l) { put_value(w, l, "log_tag"); }},
      {"server-state-file",
       [](Writer& w, const CfgLine& l) {
         std::string path(l.word(1));
         if (!path.starts_with('/') && !w.server_state_base.empty()) path = w.server_state_base + "/" + path;
         w.put("server_state_file", path, l.line);
       }},
      {"server-state-base", [](Writer& w, const CfgLine& l) { w.server_state_base = std::string(l.word(1)); }},
      {"ssl-default-server-ciphers",
       [](Writer& w, const CfgLine& l) { w.server_tls_defaults.push_back("ciphers=" + l.plain(1)); }},
      {"ssl-default-server-ciphersuites",
       [](Writer& w, const CfgLine& l) { w.server_tls_defaults.push_back("ciphersuites=" + l.plain(1)); }},
      {"unix-bind",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "unix-bind", "write the path, mode and owner on each bind unix@PATH");
       }},
      {"default-path", [](Writer& w, const CfgLine& l) { w.unsupported(l, "default-path", "give absolute paths"); }},
      {"log", global_log},
      {"stats", stats_directive},
      {"hard-stop-after",
       [](Writer& w, const CfgLine& l) {
         auto d = to_duration(l.word(1));
         if (!d) return w.error(l.line, "hard-stop-after: " + d.error().message);
         w.put("hard_stop_after", *d, l.line);
       }},
      {"nbproc",
       [](Writer& w, const CfgLine& l) {
         if (l.word(1) == "1") return w.no_op(l, "nbproc 1", "proxyd is one process");
         // HAProxy 2.5+ refuses nbproc; its processes were for using N cores: threads do that.
         w.warning(l.line, fmt::format("'nbproc {}': proxyd is one process; it runs {} threads instead (nbthread {}), "
                                       "as HAProxy 2.5+ advises",
                                       l.word(1), l.word(1), l.word(1)));
         put_value(w, l, "threads");
       }},
      {"daemon",
       [](Writer& w, const CfgLine& l) {
         w.no_op(l, "daemon", "proxyd stays in the foreground for systemd (Type=notify), as haproxy -Ws does");
       }},
      {"master-worker",
       [](Writer& w, const CfgLine& l) {
         w.no_op(l, "master-worker", "proxyd reloads in place on SIGHUP, keeping its listeners");
       }},
      {"chroot",
       [](Writer& w, const CfgLine& l) {
         w.warning(l.line,
                   "'chroot' is not applied: proxyd re-reads its files on reload; the systemd unit's "
                   "sandbox (ProtectSystem=strict, PrivateTmp, …) confines it instead");
       }},
      {"spread-checks",
       [](Writer& w, const CfgLine& l) {
         w.no_op(l, "spread-checks", "proxyd spreads each backend's checks over the interval itself");
       }},
      {"ssl-server-verify",
       [](Writer& w, const CfgLine& l) {
         w.no_op(l, "ssl-server-verify", "proxyd verifies a server only when asked (verify=required, ca_file=)");
       }},
      {"lua-load",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "lua-load", "Lua is not embedded; http_request rules, maps and ACLs cover most uses");
       }},
      {"lua-prepend-path",
       [](Writer& w, const CfgLine& l) { w.unsupported(l, "lua-prepend-path", "Lua is not embedded"); }},
      {"localpeer", [](Writer& w, const CfgLine& l) { w.unsupported(l, "localpeer", "peers are not supported yet"); }},
      {"external-check",
       [](Writer& w, const CfgLine& l) {
         w.unsupported(l, "external-check", "use check = tcp-check, http or an agent_check");
       }},
  };
  return kHandlers;
}

// `ssl-default-bind-options` / `-server-options` words.
void ssl_default_options(Writer& w, const CfgLine& l) {
  for (std::size_t i = 1; i < l.words.size(); ++i) {
    const auto word = l.word(i);
    if (word == "ssl-min-ver" && l.word(0) == "ssl-default-bind-options") {
      w.bind_tls_defaults.push_back({"ssl_min_version", std::string(l.word(++i)), l.line});
    } else if (word == "no-sslv3" || word == "no-tlsv10" || word == "no-tlsv11" || word == "ssl-min-ver") {
      if (word == "ssl-min-ver") ++i;
      w.notice(l.line, fmt::format("{} {}: proxyd never speaks below TLS 1.2", l.word(0), word));
    } else if (word == "no-tls-tickets" && l.word(0) == "ssl-default-bind-options") {
      w.bind_no_tls_tickets = true;
    } else if (word == "no-tls-tickets" || word == "prefer-client-ciphers") {
      w.notice(l.line, fmt::format("{} {}: proxyd issues no session tickets and prefers its own cipher order "
                                   "(OpenSSL's)",
                                   l.word(0), word));
    } else {
      w.unsupported(l, fmt::format("{} {}", l.word(0), word), "ssl-min-ver and the no-sslv3/no-tlsv1x words are");
    }
  }
}

}  // namespace

void global_directive(Writer& w, const CfgLine& l) {
  const auto keyword = l.word(0);
  if (const auto& handlers = global_handlers(); handlers.contains(keyword)) return handlers.at(keyword)(w, l);
  if (keyword == "ssl-default-bind-ciphers") return w.bind_tls_defaults.push_back({"ssl_ciphers", l.plain(1), l.line});
  if (keyword == "ssl-default-bind-ciphersuites")
    return w.bind_tls_defaults.push_back({"ssl_ciphersuites", l.plain(1), l.line});
  if (keyword == "ssl-default-bind-options" || keyword == "ssl-default-server-options") {
    return ssl_default_options(w, l);
  }
  if (w.known_elsewhere(l, "global", keyword)) return;
  if (keyword.starts_with("ssl-default-server-")) {
    return w.no_op(l, keyword, "proxyd's connections to servers use OpenSSL's defaults, TLS 1.2 at least");
  }
  if (keyword.starts_with("tune.")) {
    return w.no_op(l, keyword, "proxyd sizes its buffers, caches and TLS parameters itself");
  }
  if (keyword == "log-send-hostname" || keyword == "quiet" || keyword == "zero-warning" ||
      keyword == "insecure-fork-wanted" || keyword == "busy-polling" || keyword.starts_with("no") ||
      keyword == "ssl-mode-async" || keyword == "expose-experimental-directives" || keyword.starts_with("profiling.")) {
    return w.no_op(l, keyword, "a tuning or start-up switch with no counterpart in proxyd's design");
  }
  if (keyword == "ca-base" || keyword == "crt-base") {
    (keyword == "ca-base" ? w.ca_base : w.crt_base) = std::string(l.word(1));
    return;
  }
  w.error(l.line, fmt::format("unknown or unsupported global directive '{}'", keyword));
}

void resolvers_directive(Writer& w, const CfgLine& l) {
  const auto keyword = l.word(0);
  if (keyword == "nameserver") return w.put("nameserver", l.plain(1), l.line);
  if (keyword == "parse-resolv-conf") return w.put("parse_resolv_conf", "true", l.line);
  if (keyword == "resolve_retries") return w.put("resolve_retries", std::string(l.word(1)), l.line);
  if (keyword == "accepted_payload_size") return w.put("accepted_payload_size", std::string(l.word(1)), l.line);
  const bool hold = keyword == "hold";
  if (hold || keyword == "timeout") {
    const auto what = l.word(1);
    auto d = to_duration(l.word(2));
    if (!d) return w.error(l.line, fmt::format("{} {}: {}", keyword, what, d.error().message));
    if (hold && (what == "valid" || what == "nx" || what == "refused" || what == "timeout" || what == "other" ||
                 what == "obsolete")) {
      return w.put(fmt::format("hold_{}", what), *d, l.line);
    }
    if (!hold && (what == "resolve" || what == "retry")) return w.put(fmt::format("timeout_{}", what), *d, l.line);
  }
  w.error(l.line, fmt::format("unknown or unsupported resolvers directive '{}'", l.tail(0)));
}

void userlist_directive(Writer& w, const CfgLine& l) {
  const auto keyword = l.word(0);
  if (keyword == "user" || keyword == "group") return w.put(std::string(keyword), l.plain(1), l.line);
  w.error(l.line, fmt::format("unknown userlist directive '{}' (user, group)", keyword));
}

}  // namespace proxyd::haproxy_cfg
