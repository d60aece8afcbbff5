#include "common/io/udp_syslog_logger.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

#include "common/io/socket_address.h"

namespace common::io {

UdpSyslogLogger::UdpSyslogLogger(const net::Endpoint& collector, int facility_code, std::string tag)
    : facility_code_(facility_code), tag_(std::move(tag)) {
  const auto address = to_socket_address(collector);
  fd_.reset(::socket(address.family(), SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  // connect() fixes the destination; a lost datagram is a lost log line,
  // never a blocked daemon.
  if (fd_) (void)::connect(fd_.get(), address.get(), address.length);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  hostname_ = host;
}

void UdpSyslogLogger::write(log::Level level, std::string_view message) {
  if (!fd_) return;
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &local);  // RFC 3164 4.1.2 TIMESTAMP
  const int pri = facility_code_ * 8 + static_cast<int>(level);
  const auto packet = fmt::format("<{}>{} {} {}[{}]: {}", pri, stamp, hostname_, tag_, ::getpid(), message);
  (void)::send(fd_.get(), packet.data(), packet.size(), MSG_DONTWAIT);
}

}  // namespace common::io
