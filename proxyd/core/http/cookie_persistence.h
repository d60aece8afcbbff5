// Cookie persistence (HAProxy's `cookie NAME insert|prefix|rewrite
// [indirect] [nocache] [httponly] [secure]` with per-server `cookie=VALUE`):
// find the server a request names, strip what the server must not see, and
// set the cookie on the response. Pure.
#pragma once

#include "common/core/address.h"

#include <optional>
#include <string>
#include <string_view>

#include "proxyd/core/http/head_editor.h"

namespace proxyd::http {

struct CookieSettings {
  enum class Mode { Insert, Prefix, Rewrite };
  std::string name;  // e.g. SERVERID, or the application's cookie with prefix
  Mode mode = Mode::Insert;
  bool indirect = false;  // insert: the server never sees our cookie
  bool nocache = false;   // insert: responses carrying it get Cache-Control: private
  bool httponly = false;
  bool secure = false;
  bool dynamic = false;  // servers without cookie= get dynamic_cookie() of their address
};

// HAProxy's dynamic cookie of a server (`cookie … dynamic` with
// `dynamic-cookie-key`): XXH64 of the key, the address's bytes and the port
// (4 bytes, network order), as 16 hex digits; "" for a non-IP address. The
// same on every node and the same as HAProxy's, so a client keeps its
// server across nodes and across a migration.
std::string dynamic_cookie(std::string_view key, const common::net::Endpoint& address);

// The server value carried by the request's Cookie headers for <settings>
// ("web1" from "SERVERID=web1", or from "JSESSIONID=web1~abc" in prefix
// mode); nullopt if absent.
std::optional<std::string> find_persistence_cookie(const CookieSettings& settings, const HeadEditor& request);

// Request side, before forwarding: insert+indirect removes our cookie from
// the Cookie headers (dropping the header if nothing is left); prefix mode
// strips "web1~" from the value.
void strip_request_cookie(const CookieSettings& settings, HeadEditor& request);

// Response side, once the server is known (<server_cookie> is its
// `cookie=` value): insert adds "Set-Cookie: NAME=VALUE; path=/" (plus
// HttpOnly/Secure) when <needs_insert> (the request had no valid cookie)
// and, with nocache, "Cache-Control: private"; prefix rewrites the server's
// own Set-Cookie NAME=v to NAME=VALUE~v; rewrite replaces the value of the
// server's Set-Cookie NAME.
void apply_response_cookie(const CookieSettings& settings, std::string_view server_cookie, bool needs_insert,
                           HeadEditor& response);

}  // namespace proxyd::http
