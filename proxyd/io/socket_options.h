// Socket options proxyd sets on client and server connections.
#pragma once

#include "proxyd/core/config/proxy_config.h"

namespace proxyd::io {

// SO_KEEPALIVE on <fd>, with <tuning>'s TCP_KEEPCNT, TCP_KEEPIDLE and
// TCP_KEEPINTVL where given (clitcpka/srvtcpka and their _cnt, _idle,
// _intvl keys).
void enable_tcp_keepalive(int fd, const config::KeepaliveTuning& tuning);

}  // namespace proxyd::io
