// HAProxy's ready-made checks as tcp-check scripts (tcp_check.h), chosen by
// `check = NAME [ARGS]`:
//   redis-check                 PING, expects +PONG
//   smtpchk                     a 2xx banner, HELO, a 2xx answer
//   pgsql-check user NAME       a PostgreSQL v3 StartupMessage for NAME; any
//                               authentication request ('R') is a live
//                               server, an error ('E', no such role) is not
//   mysql-check [user NAME [post-41|pre-41]]
//                               the server's v10 greeting; with a user, a
//                               client authentication packet (no password;
//                               4.1 format unless pre-41), its OK packet,
//                               then COM_QUIT
//   ldap-check                  an anonymous LDAPv3 bind, a success result
//   ssl-hello-chk               a TLS ClientHello; a TLS record back
//                               (handshake or alert) proves a TLS stack
// The packets are built here from the protocols' specifications.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/health/tcp_check.h"

namespace proxyd::health {

// The script <check> (the whole `check =` value) names; nullopt when its
// first word is not a ready-made check; an error for bad arguments.
common::Result<std::optional<std::vector<TcpCheckStep>>> preset_tcp_check(std::string_view check);

}  // namespace proxyd::health
