// A sample, HAProxy's unit of rule evaluation: the value a fetch returns
// (src, path, hdr(host), ...) and converters transform (lower, field, ...),
// typed boolean, integer, string or IP address as in HAProxy. And the
// context fetches read: one request (and its response), its connection and
// its frontend. Pure: the HTTP session fills a Context per request.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/address.h"
#include "proxyd/core/http/message_head.h"

namespace proxyd::sample {

struct Library;
class Variables;

struct Sample {
  enum class Type { Bool, Int, Str, Ip };
  Type type = Type::Str;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;
  common::net::IpAddress ip;

  static Sample of_bool(bool b);
  static Sample of_int(std::int64_t i);
  static Sample of_str(std::string s);
  static Sample of_ip(const common::net::IpAddress& ip);

  // Casts as HAProxy's (c_*): a string of an integer or address; an
  // integer of a decimal string; an address of its text.
  std::string as_text() const;
  std::optional<std::int64_t> as_int() const;
  std::optional<common::net::IpAddress> as_ip() const;
  bool as_bool() const;
};

// The live state fetches read (nbsrv, be_conn, srv_is_up ...), given by the
// adapter over its running configuration; nullopt for an unknown name.
class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual std::optional<std::int64_t> usable_servers(std::string_view backend) const = 0;         // nbsrv
  virtual std::optional<std::int64_t> backend_connections(std::string_view backend) const = 0;    // be_conn
  virtual std::optional<std::int64_t> frontend_connections(std::string_view frontend) const = 0;  // fe_conn
  virtual std::optional<bool> server_up(std::string_view backend, std::string_view server) const = 0;
  virtual std::optional<std::int64_t> free_slots(std::string_view backend) const = 0;  // connslots
  virtual std::optional<std::int64_t> queued(std::string_view backend) const = 0;      // avg_queue
};

// What fetches read. Pointers may be null (no response yet, TCP mode).
struct Context {
  common::net::Endpoint src;  // the client
  common::net::Endpoint dst;  // the address the client connected to
  const http::MessageHead* request = nullptr;
  const http::MessageHead* response = nullptr;
  std::string_view frontend;
  std::string_view backend;  // empty before routing
  bool tls = false;          // ssl_fc
  std::string_view sni;      // ssl_fc_sni (or the passthrough ClientHello's)
  std::string_view alpn;
  std::string_view tls_version;
  // env(NAME): the process environment, given by the adapter.
  std::function<std::optional<std::string>(std::string_view)> env;
  // Content inspection (tcp_request content): the bytes the client sent so
  // far (req.len) and whether they hold a TLS ClientHello (req.ssl_hello_type).
  std::optional<std::int64_t> payload_length;
  int hello_type = 0;
  const Library* library = nullptr;      // userlists (http_auth) ...
  const Runtime* runtime = nullptr;      // nbsrv, be_conn ...
  std::int64_t (*now_unix)() = nullptr;  // date(): the wall clock, in seconds
  std::uint64_t (*random)() = nullptr;   // rand()
  Variables* vars = nullptr;             // var(), set-var
};

}  // namespace proxyd::sample
