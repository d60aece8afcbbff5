// proxyd's configuration as an immutable value: loaded from an IniDocument,
// validated, then handed to the runtime. A reload builds a new one.
//
// Sections: [global], [defaults], [frontend NAME], [backend NAME] and
// [listen NAME] (a frontend and a backend of the same name). Frontends and
// backends inherit every proxy key they do not set from [defaults].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "common/core/log/log_settings.h"
#include "common/core/time.h"

namespace proxyd::config {

using common::Duration;

enum class Mode { Tcp, Http };
enum class Balance { RoundRobin, StaticRr, LeastConn, Source, First, Random };
enum class CheckKind { None, Tcp };
enum class ProxyProtocol { None, V1, V2 };

struct Global {
  std::optional<std::string> user;
  std::optional<std::string> group;
  std::string pidfile;
  std::uint32_t maxconn = 0;
  std::uint32_t threads = 1;  // 0 = one per core ("auto")
  common::log::LogSettings log;
  Duration hard_stop_after{0};
  std::optional<std::string> admin_socket;  // runtime API Unix socket; absent = none
  std::uint32_t admin_socket_mode = 0600;
  std::optional<std::string> admin_socket_user;
  std::optional<std::string> admin_socket_group;
};

// Keys valid in [defaults], [frontend], [backend] and [listen].
struct ProxySettings {
  Mode mode = Mode::Tcp;
  Duration timeout_connect{0};
  Duration timeout_client{0};
  Duration timeout_server{0};
  std::optional<Duration> timeout_queue;  // absent: timeout_connect
  std::uint32_t retries = 0;
  bool redispatch = false;
  std::string log_format;
  bool dontlognull = false;
  std::uint32_t maxconn = 0;  // frontend: concurrent sessions; 0 = process limit only
  Balance balance = Balance::RoundRobin;
  CheckKind check = CheckKind::None;
  Duration check_interval{0};
  std::optional<Duration> check_timeout;  // absent: check_interval
  std::uint32_t rise = 0;
  std::uint32_t fall = 0;
};

struct Bind {
  common::net::Endpoint address;
  bool accept_proxy = false;
  int line = 0;
};

struct Server {
  std::string name;
  common::net::Endpoint address;
  std::uint32_t weight = 1;   // 0..256; 0 = never chosen by weighted algorithms
  std::uint32_t maxconn = 0;  // 0 = unlimited
  bool backup = false;
  bool checked = true;    // `no_check` turns health checks off for this server
  bool disabled = false;  // starts in maintenance
  ProxyProtocol send_proxy = ProxyProtocol::None;
  int line = 0;
};

struct Frontend {
  std::string name;
  ProxySettings settings;
  std::vector<Bind> binds;
  std::string backend;
  int line = 0;
};

struct Backend {
  std::string name;
  ProxySettings settings;
  std::vector<Server> servers;
  int line = 0;
};

struct StatsBind {
  common::net::Endpoint address;
  int line = 0;
};

struct StatsAuth {
  std::string user;
  std::string password;
};

// The [stats] section: the HTML page, its CSV/JSON variants, Prometheus
// metrics and the health endpoint, on a listener of their own.
struct Stats {
  std::vector<StatsBind> binds;
  std::string uri;              // HTML page; uri;csv and uri;json
  std::vector<StatsAuth> auth;  // HTTP Basic; empty = no authentication
  std::string realm;
  std::optional<Duration> refresh;  // page auto-refresh; absent = none
  bool admin = false;               // server actions from the page
  std::string prometheus_uri;
  std::string health_uri;  // never behind auth: vrrpd polls it
  int line = 0;
};

struct ProxyConfig {
  std::string source;  // file it came from
  Global global;
  ProxySettings defaults;
  std::vector<Frontend> frontends;
  std::vector<Backend> backends;
  std::optional<Stats> stats;

  const Backend* find_backend(std::string_view name) const;
};

// Builds and validates the configuration; every problem goes to
// <diagnostics>. The result is only meaningful when no error was reported.
ProxyConfig load_proxy_config(const common::config::IniDocument& doc, common::config::Diagnostics& diagnostics);

// Parsers for the structured values, exposed for tests.
common::Result<Server> parse_server(std::string_view value);
common::Result<Bind> parse_bind(std::string_view value);
common::Result<StatsAuth> parse_stats_auth(std::string_view value);
// A file mode in octal ("0600", "660"), at most 0777.
common::Result<std::uint32_t> parse_file_mode(std::string_view value);

}  // namespace proxyd::config
