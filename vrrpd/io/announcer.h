// Sends the frames of core/protocol/announcement.h: gratuitous ARP through
// an AF_PACKET socket, unsolicited Neighbor Advertisements through a raw
// ICMPv6 socket.
#pragma once

#include "common/core/address.h"
#include "common/core/result.h"
#include "common/io/unique_fd.h"
#include "vrrpd/core/protocol/announcement.h"

namespace vrrpd::io {

class Announcer {
 public:
  static common::Result<Announcer> open(int ifindex, const protocol::MacAddress& mac);
  common::Status announce(const common::net::IpAddress& vip);

 private:
  int ifindex_ = 0;
  protocol::MacAddress mac_{};
  common::io::UniqueFd packet_fd_;
  common::io::UniqueFd icmp6_fd_;
};

}  // namespace vrrpd::io
