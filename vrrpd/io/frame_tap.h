// The link-layer side of received adverts: a packet socket on the
// interface that sees the same VRRP frames as the raw IP socket (a classic
// BPF filter keeps only IP protocol 112) and tells which MAC each came
// from, for the peer MAC check (protocol/peer_mac.h). Frames we sent are
// skipped. Also the neighbour table lookup (ARP/ND) that seeds the check.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "common/core/address.h"
#include "common/core/result.h"
#include "common/io/unique_fd.h"
#include "vrrpd/core/protocol/announcement.h"
#include "vrrpd/io/vrrp_socket.h"

namespace vrrpd::io {

class FrameTap {
 public:
  static common::Result<FrameTap> open(int ifindex, common::net::Family family);
  // The source MAC of <packet> (received on the IP socket): the matching
  // frame among those queued on the tap (same source, same VRRP bytes).
  std::optional<protocol::MacAddress> mac_of(const ReceivedPacket& packet);

 private:
  struct Frame {
    common::net::IpAddress source;
    std::vector<std::uint8_t> payload;
    protocol::MacAddress mac{};
  };
  void drain();

  common::io::UniqueFd fd_;
  common::net::Family family_ = common::net::Family::V4;
  std::deque<Frame> frames_;  // the last few, oldest first
};

// The kernel's neighbour entry for <address> on <ifindex>, if it has a
// usable link-layer address (reachable, stale, delay, probe or permanent).
std::optional<protocol::MacAddress> neighbour_mac(int ifindex, const common::net::IpAddress& address);

}  // namespace vrrpd::io
