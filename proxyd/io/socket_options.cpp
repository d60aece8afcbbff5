#include "proxyd/io/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace proxyd::io {

void enable_tcp_keepalive(int fd, const config::KeepaliveTuning& tuning) {
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  const auto seconds = [](common::Duration d) { return static_cast<int>(d.count() / 1000); };
  if (tuning.count) {
    const int count = static_cast<int>(*tuning.count);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  }
  if (tuning.idle) {
    const int idle = seconds(*tuning.idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  }
  if (tuning.interval) {
    const int interval = seconds(*tuning.interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  }
}

}  // namespace proxyd::io
