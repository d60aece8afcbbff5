// Raw IP protocol 112 sockets (RFC 5798 5.1.1: TTL/hop limit 255; multicast
// to 224.0.0.18 / ff02::12 on the instance interface, loop off).
//
// Receiving: one socket per interface and family, joined to the group,
// shared by every instance there (the app demultiplexes by VRID).
// Sending: one socket per instance, bound to its source address, so the
// kernel uses the same address the v3 pseudo-header checksum was computed on.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "common/core/result.h"
#include "common/io/unique_fd.h"
#include "vrrpd/core/protocol/announcement.h"

namespace vrrpd::io {

inline constexpr const char* kVrrpGroupV4 = "224.0.0.18";
inline constexpr const char* kVrrpGroupV6 = "ff02::12";

struct ReceivedPacket {
  common::net::IpAddress source;
  common::net::IpAddress destination;
  std::uint8_t ttl = 0;
  std::vector<std::uint8_t> payload;               // the VRRP message
  std::optional<protocol::MacAddress> source_mac;  // from the frame tap, when it saw the frame
};

class VrrpReceiveSocket {
 public:
  static common::Result<VrrpReceiveSocket> open(const std::string& interface, int ifindex, common::net::Family family,
                                                bool join_group);
  int fd() const { return fd_.get(); }
  // One packet, or nothing when the socket would block. Packets that are
  // not IPv4/112 are skipped (reported as nullopt too).
  common::Result<std::optional<ReceivedPacket>> receive();

 private:
  common::io::UniqueFd fd_;
  common::net::Family family_ = common::net::Family::V4;
};

class VrrpSendSocket {
 public:
  static common::Result<VrrpSendSocket> open(const std::string& interface, int ifindex,
                                             const common::net::IpAddress& source);
  common::Status send(const common::net::IpAddress& destination, std::span<const std::uint8_t> message);

 private:
  common::io::UniqueFd fd_;
  int ifindex_ = 0;
};

}  // namespace vrrpd::io
