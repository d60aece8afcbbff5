// Facts about a network interface read from the kernel: index, MAC, link
// state and its own (non-VIP) addresses.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "common/core/result.h"
#include "vrrpd/core/protocol/announcement.h"

namespace vrrpd::io {

struct InterfaceInfo {
  int index = 0;
  protocol::MacAddress mac{};
  bool up = false;  // administratively up with carrier (IFF_UP && IFF_RUNNING)
};

common::Result<InterfaceInfo> read_interface(const std::string& name);

// Whether any interface of this node has <address> now.
bool is_local_address(const common::net::IpAddress& address);
// Whether interface <ifindex> has <address> now (labels included).
bool address_present(int ifindex, const common::net::IpAddress& address);

// The interface's first address of <family> that is not in <exclude> (our
// VIPs); for IPv6 the link-local one (VRRPv3 adverts come from it, RFC 5798 5.1.2.1).
std::optional<common::net::IpAddress> primary_address(const std::string& name, common::net::Family family,
                                                      const std::vector<common::net::IpAddress>& exclude);

}  // namespace vrrpd::io
