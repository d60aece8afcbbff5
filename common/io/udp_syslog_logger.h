// RFC 3164 syslog over UDP to a remote collector (`log = udp://HOST:PORT`).
#pragma once

#include <string>

#include "common/core/address.h"
#include "common/core/log/logger.h"
#include "common/io/unique_fd.h"

namespace common::io {

class UdpSyslogLogger final : public log::Logger {
 public:
  UdpSyslogLogger(const net::Endpoint& collector, int facility_code, std::string tag);

 protected:
  void write(log::Level level, std::string_view message) override;

 private:
  UniqueFd fd_;
  int facility_code_;
  std::string tag_;
  std::string hostname_;
};

}  // namespace common::io
