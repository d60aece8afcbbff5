// proxyd's configuration as an immutable value: loaded from an IniDocument,
// validated, then handed to the runtime. A reload builds a new one.
//
// Sections: [global], [defaults], [frontend NAME], [backend NAME] and
// [listen NAME] (a frontend and a backend of the same name). Frontends and
// backends inherit every proxy key they do not set from [defaults].
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "common/core/log/log_settings.h"
#include "common/core/time.h"
#include "proxyd/core/config/cpu_map.h"
#include "proxyd/core/dns/address_choice.h"
#include "proxyd/core/dns/resolution.h"
#include "proxyd/core/health/observe.h"
#include "proxyd/core/health/tcp_check.h"
#include "proxyd/core/http/cookie_persistence.h"
#include "proxyd/core/http/http_actions.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/stats/access_level.h"
#include "proxyd/core/tcp/tcp_rules.h"

namespace proxyd::config {

using common::Duration;

enum class Mode { Tcp, Http };
enum class Balance { RoundRobin, StaticRr, LeastConn, Source, First, Random, Uri, Header };
// How hash-based balancing (source, uri, hdr) maps keys to servers: modulo
// the total weight, or a consistent-hash ring (few keys move when a server
// goes down or comes back).
enum class HashType { Map, Consistent };
enum class CheckKind { None, Tcp, Http, TcpCheck };
enum class ProxyProtocol { None, V1, V2 };

struct Global {
  std::optional<std::string> user;
  std::optional<std::string> group;
  std::string pidfile;
  std::uint32_t maxconn = 0;
  std::uint32_t threads = 1;                   // 0 = one per core ("auto")
  std::vector<CpuMap> cpu_maps;                // cpu_map lines: thread affinity
  common::log::LogSettings log;                // the first target (log_facility, log_tag)
  std::vector<common::log::LogSettings> logs;  // every `log` line, each with its level filter
  Duration hard_stop_after{0};
  // Where init_addr `last` finds the addresses servers named by host last
  // had (written on each change); empty: none kept.
  std::string server_state_file;
  std::optional<std::string> admin_socket;  // runtime API Unix socket; absent = none
  stats::AccessLevel admin_socket_level = stats::AccessLevel::Admin;
  // More runtime API listeners on TCP (`admin_socket = ipv4@127.0.0.1:9999 level operator`).
  struct AdminTcp {
    common::net::Endpoint address;
    stats::AccessLevel level = stats::AccessLevel::Admin;
    friend bool operator==(const AdminTcp&, const AdminTcp&) = default;
  };
  std::vector<AdminTcp> admin_tcp;
  std::uint32_t admin_socket_mode = 0600;
  std::optional<std::string> admin_socket_user;
  std::optional<std::string> admin_socket_group;
};

// `check = http GET /health HTTP/1.1 Host=example.org`
struct HttpCheck {
  std::string method = "GET";
  std::string path = "/";
  int version_minor = 0;  // HTTP/1.0 unless HTTP/1.1 is given (then Host is needed)
  std::string host;       // Host header; empty = none
};

// `check_expect = status 200`, `status 200-399`, `string TEXT`.
struct CheckExpect {
  enum class Kind { Status, String };
  Kind kind = Kind::Status;
  int status_min = 200;  // default: any 2xx or 3xx, as HAProxy
  int status_max = 399;
  std::string text;  // with Kind::String: found in the body
};

// `errorfile = 503 /etc/proxyd/errors/503.http` (repeatable).
struct ErrorFile {
  int status = 0;
  std::string path;
  int line = 0;
};

// Keys valid in [defaults], [frontend], [backend] and [listen].
// HAProxy's clitcpka-cnt/-idle/-intvl (and srvtcpka-): the keep-alive
// probes' count, the idle time before the first, the time between them.
struct KeepaliveTuning {
  std::optional<std::uint32_t> count;
  std::optional<Duration> idle;
  std::optional<Duration> interval;
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
// metrics and the health endpoint, on a listener of their own. Also the
// page served inside a proxy (ProxySettings::stats, HAProxy's `stats uri`
// in a frontend, backend or defaults): then only uri, auth, realm,
// refresh, hide_version, show_node and show_legends apply.
struct Stats {
  std::vector<StatsBind> binds;
  std::string uri;              // HTML page; uri;csv and uri;json
  std::vector<StatsAuth> auth;  // HTTP Basic; empty = no authentication
  std::string realm;
  std::optional<Duration> refresh;  // page auto-refresh; absent = none
  bool admin = false;               // server actions from the page
  // `admin = if|unless COND` (HAProxy's `stats admin if COND`): actions only
  // for the requests COND allows (it reads src).
  std::optional<sample::Condition> admin_condition;
  bool hide_version = false;  // the page does not show proxyd's version
  std::string show_node;      // the node name the page shows; empty = none
  bool show_legends = false;  // the page explains its states
  std::string prometheus_uri;
  std::string health_uri;  // never behind auth: vrrpd polls it
  int line = 0;
};

struct ProxySettings {
  Mode mode = Mode::Tcp;
  Duration timeout_connect{0};
  Duration timeout_client{0};
  Duration timeout_server{0};
  std::optional<Duration> timeout_queue;       // absent: timeout_connect
  std::optional<Duration> timeout_client_fin;  // mode tcp: client inactivity once half-closed; absent: timeout_client
  std::optional<Duration> timeout_server_fin;  // the same on the server side
  std::optional<Duration> timeout_tarpit;      // how long `tarpit` holds a request; absent: timeout_connect
  Duration tcp_request_inspect_delay{0};       // how long tcp_request content rules wait for the request's bytes
  std::uint32_t retries = 0;
  bool redispatch = false;
  // option abortonclose: a client that closes while its request waits in
  // the queue or for the server's connection is dropped (CQ/CC) instead of
  // being served to nobody.
  bool abortonclose = false;
  std::string log_format;
  bool dontlognull = false;
  bool dontlog_normal = false;       // log only sessions that ended in an error (or a 5xx)
  bool log_separate_errors = false;  // those at level err instead of info
  std::uint32_t maxconn = 0;         // frontend: concurrent sessions; 0 = process limit only
  Balance balance = Balance::RoundRobin;
  CheckKind check = CheckKind::None;
  std::vector<health::TcpCheckStep> tcp_checks;  // check = tcp-check (tcp_check lines), redis-check, smtpchk
  // `default_server = OPTIONS` (HAProxy's default-server): server options
  // applied before each later `server` line's own.
  std::string default_server;
  Duration check_interval{0};
  std::optional<Duration> check_timeout;  // absent: check_interval (timeout_check is another name)
  bool client_tcp_keepalive = false;      // clitcpka (tcpka: both): SO_KEEPALIVE on client connections
  bool server_tcp_keepalive = false;      // srvtcpka: on server connections
  KeepaliveTuning client_tcpka;           // clitcpka_cnt, clitcpka_idle, clitcpka_intvl (unset: the kernel's)
  KeepaliveTuning server_tcpka;           // srvtcpka_cnt, srvtcpka_idle, srvtcpka_intvl
  std::uint32_t rise = 0;
  std::uint32_t fall = 0;

  // Layer 7 (mode http).
  std::string balance_header;  // balance = hdr(NAME)
  HashType hash_type = HashType::Map;
  HttpCheck http_check;  // with check = http
  CheckExpect check_expect;
  bool http_server_close = false;  // close the server side after each response
  bool http_close = false;         // close both sides after each response
  bool forwardfor = false;         // append X-Forwarded-For
  std::optional<common::net::Cidr> forwardfor_except;
  bool forwardfor_if_none = false;  // only when the request has no X-Forwarded-For (HAProxy's if-none)
  std::vector<http::HeaderRule> request_header_rules;   // http_request_{add,set,del}_header
  std::vector<http::HeaderRule> response_header_rules;  // http_response_{add,set,del}_header
  std::optional<http::CookieSettings> cookie;
  std::string dynamic_cookie_key;  // HAProxy's dynamic-cookie-key: the secret of `cookie … dynamic`
  std::vector<ErrorFile> errorfiles;
  Duration timeout_http_request{10000};             // whole request head (slowloris) -> 408
  std::optional<Duration> timeout_http_keep_alive;  // idle between requests; absent: timeout_http_request
  std::optional<Duration> timeout_tunnel;           // after an Upgrade; absent: timeout_client/server
  std::uint32_t max_header_size = 16384;            // request/response head limit -> 431 / 502
  std::uint32_t max_headers = 100;

  // TLS termination on the frontend's `ssl` binds.
  std::string ssl_min_version = "TLSv1.2";  // TLSv1.2 or TLSv1.3
  std::string ssl_ciphers;                  // TLS <= 1.2 cipher list; empty = OpenSSL's default
  std::string ssl_ciphersuites;             // TLS 1.3 suites; empty = OpenSSL's default

  // stats_uri …: requests whose target begins with stats->uri get the stats
  // page from this proxy, after its http_request rules (HAProxy's `stats
  // enable` in a proxy). Absent: none.
  std::optional<Stats> stats;
};

// `bind = ADDR:PORT ssl crt=PATH[,PATH] [alpn=h1,h2]`: TLS termination.
struct BindTls {
  std::vector<std::string> crt;         // PEM files (cert + chain + key) or directories of them
  std::vector<std::string> alpn;        // offered protocols, preferred first
  std::string min_version = "TLSv1.2";  // from the frontend's ssl_min_version
  std::string ciphers;
  std::string ciphersuites;
  bool tickets = true;  // no_tls_tickets: false
};

// `server = NAME ADDR:PORT ssl [verify=none|required] [ca_file=PATH] [sni=HOST]`
struct ServerTls {
  // verify=required checks the chain and the name; the default is required
  // when ca_file is given and none otherwise. (HAProxy defaults to required,
  // but backends behind a load balancer commonly use self-signed
  // certificates, and a default that fails every check there would push
  // operators to turn verification off blindly; asking for a ca_file is the
  // explicit way in.)
  bool verify = false;
  std::string ca_file;  // empty: the system store
  std::string sni;      // server name sent and verified; empty: none sent, verify IP/none
  std::vector<std::string> alpn;
  std::string ciphers;       // ciphers= (TLS 1.2, OpenSSL syntax); empty: OpenSSL's
  std::string ciphersuites;  // ciphersuites= (TLS 1.3); empty: OpenSSL's
};

// The file of a `unix@PATH` bind (HAProxy's mode/user/group/uid/gid bind
// options): unset fields keep what the process's umask and identity give.
struct UnixSocketFile {
  std::optional<std::uint32_t> mode;  // octal, e.g. 660
  std::string user;                   // a name, or a number (uid=)
  std::string group;                  // a name, or a number (gid=)
  friend bool operator==(const UnixSocketFile&, const UnixSocketFile&) = default;
};

struct Bind {
  common::net::Endpoint address;  // an IP endpoint, or unix@PATH
  bool accept_proxy = false;
  std::optional<BindTls> tls;  // `ssl`
  UnixSocketFile unix_file;    // unix@PATH binds only
  int line = 0;
};

// One method of `init_addr` (HAProxy's init-addr), tried in order at start:
// `last` (the address proxyd last used, from its state file), `libc` (the
// system resolver with /etc/hosts), `none` (start in maintenance until the
// resolvers find it), or a fixed IP.
struct InitAddr {
  enum class Kind { Last, Libc, None, Address };
  Kind kind = Kind::Libc;
  common::net::IpAddress address;  // Kind::Address
  friend bool operator==(const InitAddr&, const InitAddr&) = default;
};

struct Server {
  std::string name;
  common::net::Endpoint address;  // the port, and the address unless <host> names it
  std::string host;               // HOST of `HOST:PORT` when it is a name, not an address
  // An SRV name (`_http._tcp.app.example`, no port): its records give each
  // server its address, port and weight.
  bool is_srv() const { return host.starts_with('_'); }
  std::string resolvers;                        // resolvers=NAME: <host> is resolved again while running
  std::vector<InitAddr> init_addr{InitAddr{}};  // init_addr=last,libc,none,IP (default libc)
  dns::Preferences resolve;                     // resolve_prefer=ipv4|ipv6, resolve_net=CIDR,...
  std::uint32_t weight = 1;                     // 0..256; 0 = never chosen by weighted algorithms
  std::uint32_t maxconn = 0;                    // 0 = unlimited
  // maxqueue=N: at most N requests wait for this server (persistence to a
  // full server); beyond, persistence yields to the balancer. 0 = unlimited.
  std::uint32_t maxqueue = 0;
  // slowstart=DURATION: after coming back UP (or out of maintenance) the
  // weight ramps from ~0 to full over this (balance/slowstart.h); 0 = off.
  Duration slowstart{0};
  bool backup = false;
  bool checked = true;    // `no_check` turns health checks off for this server
  bool disabled = false;  // starts in maintenance
  ProxyProtocol send_proxy = ProxyProtocol::None;
  std::string cookie;            // persistence value (`cookie=web1`); empty = none
  std::optional<ServerTls> tls;  // `ssl`
  // Health-check overrides (HAProxy's server options port, addr, inter,
  // fastinter, downinter, rise, fall); unset: the backend's.
  std::optional<std::uint16_t> check_port;
  std::optional<common::net::IpAddress> check_addr;
  std::optional<Duration> inter;
  std::optional<Duration> fastinter;  // while a change is under way; default inter
  std::optional<Duration> downinter;  // while DOWN; default inter
  std::optional<std::uint32_t> rise;
  std::optional<std::uint32_t> fall;
  // check_ssl (HAProxy's check-ssl): checks over TLS, with verify=,
  // ca_file= and check_sni= (HAProxy's check-sni), whether or not the
  // traffic is (`ssl`): an HTTPS check of a TCP backend (kubeadm).
  std::optional<ServerTls> check_tls;
  bool template_slot = false;                  // one of a server_template's servers
  bool on_marked_down_shutdown = false;        // on_marked_down=shutdown_sessions
  bool on_marked_up_shutdown_backups = false;  // on_marked_up=shutdown_backup_sessions
  // Passive health (health/observe.h): observe=layer4|layer7,
  // error_limit=N consecutive errors, on_error=ACTION.
  health::ObserveMode observe = health::ObserveMode::None;
  std::uint32_t error_limit = 10;
  health::OnError on_error = health::OnError::FailCheck;
  // agent_check (health/agent_reply.h): agent_port=N (needed), agent_addr=IP,
  // agent_inter=DURATION (default: the server's inter), agent_send=TEXT
  // (tcp_check's escapes: \r \n \t \\ \xHH).
  bool agent_check = false;
  std::optional<std::uint16_t> agent_port;
  std::optional<common::net::IpAddress> agent_addr;
  std::optional<Duration> agent_inter;
  std::string agent_send;
  int line = 0;
};

// One `acl = NAME CRITERION` line, parsed when read; the section's ACLs
// (Frontend::acls) are built from them once it is loaded.
struct AclDefinition {
  sample::NamedCriterion acl;
  int line = 0;
};

// A capture slot of a frontend, logged in httplog's {…} (%hr, %hs) in
// declaration order: `capture_request_header = NAME len N` (and response)
// fills it from the header; a slot without a name is filled by the rules
// (`declare_capture = request len N`, `http_request = capture SAMPLE len N`).
struct CaptureHeader {
  std::string name;
  std::size_t len = 0;
  int line = 0;
};

struct Frontend {
  std::string name;
  ProxySettings settings;
  std::vector<Bind> binds;
  std::string backend;                             // the default backend
  std::vector<http::UseBackendRule> use_backends;  // first match wins, else <backend>
  std::vector<http::RedirectRule> redirects;       // evaluated before use_backend
  sample::AclTable acls;                           // `acl` lines, by name
  std::vector<http::HttpAction> http_request;      // before redirect and use_backend
  std::vector<http::HttpAction> http_response;     // after the backend's
  std::vector<tcp::TcpRule> tcp_request;           // connection, session, content
  std::vector<CaptureHeader> capture_request_headers;
  std::vector<CaptureHeader> capture_response_headers;
  int line = 0;
};

struct Backend {
  std::string name;
  ProxySettings settings;
  std::vector<Server> servers;
  sample::AclTable acls;
  std::vector<http::HttpAction> http_request;   // after the frontend's
  std::vector<http::HttpAction> http_response;  // before the frontend's
  int line = 0;
};

// [resolvers NAME]: the name servers that servers with resolvers=NAME use.
struct Resolvers {
  std::string name;
  struct Nameserver {
    std::string id;  // HAProxy's nameserver name; the address when none is given
    common::net::Endpoint address;
    friend bool operator==(const Nameserver&, const Nameserver&) = default;
  };
  std::vector<Nameserver> nameservers;
  bool parse_resolv_conf = false;             // also the name servers of /etc/resolv.conf
  dns::Timings timings;                       // holds, timeouts, resolve_retries
  std::uint32_t accepted_payload_size = 512;  // EDNS0 payload advertised (512 .. 65535)
  int line = 0;
};

struct ProxyConfig {
  std::string source;  // file it came from
  // A configuration read from several files (haproxy.cfg's -f repeated):
  // where each starts in the document's line numbers.
  std::vector<common::config::IniFileSpan> spans;
  // "file:line" of line <line> of the document (each file's own numbering).
  std::string position(int line) const;
  common::config::Location where(int line) const;
  Global global;
  std::vector<Resolvers> resolvers;
  ProxySettings defaults;
  std::vector<Frontend> frontends;
  std::vector<Backend> backends;
  std::optional<Stats> stats;
  // The map and pattern files the rules name (filled by the adapter, edited
  // by the runtime API), shared with the rules that use them.
  std::shared_ptr<sample::Library> library = std::make_shared<sample::Library>();

  const Backend* find_backend(std::string_view name) const;
  const Resolvers* find_resolvers(std::string_view name) const;
};

// Builds and validates the configuration; every problem goes to
// <diagnostics>. The result is only meaningful when no error was reported.
ProxyConfig load_proxy_config(const common::config::IniDocument& doc, common::config::Diagnostics& diagnostics);

// Parsers for the structured values, exposed for tests.
// <defaults>: default_server's options, applied first.
common::Result<Server> parse_server(std::string_view value, std::string_view defaults = {});
// `server_template = PREFIX COUNT|FIRST-LAST HOSTNAME:PORT [options]`
// (HAProxy's server-template): servers PREFIX1..PREFIXn filled from the
// name's addresses, one each; init_addr none unless given.
inline constexpr std::uint64_t kMaxTemplateSlots = 1024;
common::Result<std::vector<Server>> parse_server_template(std::string_view value, std::string_view defaults = {});
common::Result<Bind> parse_bind(std::string_view value);
// A backend's servers against each other and the backend (names, ports,
// what observe, agent_check and tcp_check's TLS need); errors at the lines.
void validate_servers(const common::config::IniDocument& doc, const Backend& backend,
                      common::config::Diagnostics& diagnostics);
// A bind line, ADDRESS:FIRST-LAST giving one bind per port (at most kMaxPortRange).
inline constexpr std::uint64_t kMaxPortRange = 1024;
common::Result<std::vector<Bind>> parse_binds(std::string_view value);
common::Result<StatsAuth> parse_stats_auth(std::string_view value);
// Maps and pattern files register in <lib> (none: they are an error).
common::Result<http::UseBackendRule> parse_use_backend(std::string_view value, sample::Library* lib = nullptr);
common::Result<http::RedirectRule> parse_redirect(std::string_view value, sample::Library* lib = nullptr);
common::Result<AclDefinition> parse_acl(std::string_view value, sample::Library* lib = nullptr);
common::Result<http::HttpAction> parse_http_request(std::string_view value, sample::Library* lib = nullptr);
common::Result<http::HttpAction> parse_http_response(std::string_view value, sample::Library* lib = nullptr);
common::Result<tcp::TcpRule> parse_tcp_request(std::string_view value, sample::Library* lib = nullptr);
common::Result<http::HeaderRule> parse_header_rule(http::HeaderRule::Action action, std::string_view value);
common::Result<http::CookieSettings> parse_cookie(std::string_view value);
common::Result<HttpCheck> parse_http_check(std::string_view value);  // what follows "http"
common::Result<CheckExpect> parse_check_expect(std::string_view value);
common::Result<ErrorFile> parse_errorfile(std::string_view value);
// A file mode in octal ("0600", "660"), at most 0777.
common::Result<std::uint32_t> parse_file_mode(std::string_view value);

}  // namespace proxyd::config
