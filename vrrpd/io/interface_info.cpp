#include "vrrpd/io/interface_info.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/io/socket_address.h"
#include "common/io/unique_fd.h"

namespace vrrpd::io {

common::Result<InterfaceInfo> read_interface(const std::string& name) {
  if (name.size() >= IFNAMSIZ) return common::fail("interface name '{}' too long", name);
  common::io::UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return common::sys_fail(errno, "socket");
  ifreq req{};
  std::memcpy(req.ifr_name, name.c_str(), name.size());
  InterfaceInfo info;
  if (::ioctl(fd.get(), SIOCGIFINDEX, &req) != 0) return common::sys_fail(errno, "interface {}", name);
  info.index = req.ifr_ifindex;
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &req) != 0) return common::sys_fail(errno, "interface {} MAC", name);
  std::memcpy(info.mac.data(), req.ifr_hwaddr.sa_data, info.mac.size());
  if (::ioctl(fd.get(), SIOCGIFFLAGS, &req) != 0) return common::sys_fail(errno, "interface {} flags", name);
  info.up = (req.ifr_flags & IFF_UP) != 0 && (req.ifr_flags & IFF_RUNNING) != 0;
  return info;
}

std::optional<common::net::IpAddress> primary_address(const std::string& name, common::net::Family family,
                                                      const std::vector<common::net::IpAddress>& exclude) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return std::nullopt;
  std::optional<common::net::IpAddress> found;
  for (auto* a = list; a != nullptr && !found; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || name != a->ifa_name) continue;
    const int want = family == common::net::Family::V4 ? AF_INET : AF_INET6;
    if (a->ifa_addr->sa_family != want) continue;
    common::io::SocketAddress sa;
    std::memcpy(&sa.storage, a->ifa_addr, want == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    const auto endpoint = common::io::to_endpoint(sa);
    if (!endpoint) continue;
    const auto& ip = endpoint->address;
    if (std::find(exclude.begin(), exclude.end(), ip) != exclude.end()) continue;
    if (family == common::net::Family::V6 && !ip.is_link_local()) continue;
    found = ip;
  }
  ::freeifaddrs(list);
  return found;
}

namespace {

// Whether <match>(interface name, address) holds for any IPv4 or IPv6
// address of this node; <otherwise> when the list cannot be read.
template <class Match>
bool any_address(Match match, bool otherwise) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return otherwise;
  bool found = false;
  for (auto* a = list; a != nullptr && !found; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    const int family = a->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    common::io::SocketAddress sa;
    std::memcpy(&sa.storage, a->ifa_addr, family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    const auto endpoint = common::io::to_endpoint(sa);
    found = endpoint && match(std::string_view(a->ifa_name), endpoint->address);
  }
  ::freeifaddrs(list);
  return found;
}

}  // namespace

bool address_present(int ifindex, const common::net::IpAddress& address) {
  char name[IF_NAMESIZE] = {};
  if (::if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) return false;
  const std::string_view wanted(name);
  // getifaddrs names a labelled IPv4 address by its label ("eth1:vip").
  const auto device = [](std::string_view n) { return n.substr(0, n.find(':')); };
  return any_address(
      [&](std::string_view n, const common::net::IpAddress& ip) { return device(n) == wanted && ip == address; },
      true);  // cannot tell: assume nothing changed
}

bool is_local_address(const common::net::IpAddress& address) {
  return any_address([&](std::string_view, const common::net::IpAddress& ip) { return ip == address; }, false);
}

}  // namespace vrrpd::io
