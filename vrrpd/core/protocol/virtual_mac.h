// The virtual router MAC of RFC 5798 7.3 (and RFC 3768 7.3):
// 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6. With
// use_vmac the VIPs live on a macvlan interface carrying it, so the MAC
// behind a VIP never changes on failover (keepalived's VMAC).
#pragma once

#include <cstdint>
#include <string>

#include "common/core/address.h"
#include "vrrpd/core/protocol/announcement.h"

namespace vrrpd::protocol {

MacAddress virtual_router_mac(std::uint8_t vrid, common::net::Family family);

// "00:00:5e:00:01:33"
std::string mac_to_string(const MacAddress& mac);

}  // namespace vrrpd::protocol
