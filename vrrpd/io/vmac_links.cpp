#include "vrrpd/io/vmac_links.h"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

#include <fstream>

#include "vrrpd/core/protocol/virtual_mac.h"

namespace vrrpd::io {
namespace {

struct LinkFree {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkFree>;
struct NlAddrFree {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};

std::string sysctl_path(const std::string& interface, const std::string& key) {
  const auto family = key == "disable_ipv6" ? "ipv6" : "ipv4";
  return "/proc/sys/net/" + std::string(family) + "/conf/" + interface + "/" + key;
}

std::string read_sysctl(const std::string& path) {
  std::ifstream in(path);
  std::string value;
  in >> value;
  return value;
}

bool write_sysctl(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value << "\n";
  return static_cast<bool>(out.flush());
}

// The base keeps its ARP for its own addresses only: the VMAC answers for the VIPs.
constexpr std::pair<const char*, const char*> kBaseSettings[] = {{"arp_ignore", "1"}, {"arp_filter", "1"}};
constexpr std::pair<const char*, const char*> kVmacSettings[] = {
    {"rp_filter", "0"}, {"arp_ignore", "1"}, {"disable_ipv6", "1"}};

}  // namespace

common::Result<VmacLinks> VmacLinks::open(common::log::Logger& logger) {
  VmacLinks links(logger);
  links.sock_.reset(nl_socket_alloc());
  if (!links.sock_) return common::fail("netlink: out of memory");
  if (const int err = nl_connect(links.sock_.get(), NETLINK_ROUTE); err < 0) {
    return common::fail("netlink connect: {}", nl_geterror(err));
  }
  return links;
}

VmacLinks::~VmacLinks() {
  if (!sock_) return;  // moved from
  while (!links_.empty()) release(links_.begin()->first);
}

common::Result<int> VmacLinks::acquire(const std::string& name, const std::string& base,
                                       const protocol::MacAddress& mac) {
  const auto base_index = static_cast<int>(::if_nametoindex(base.c_str()));
  if (base_index == 0) return common::fail("use_vmac: no interface {}", base);
  if (!links_.contains(name)) {
    if (::if_nametoindex(name.c_str()) != 0) {
      logger_->warning("use_vmac: {} exists (left by an earlier run?): replaced", name);
      remove_link(name);
    }
    if (auto made = create(name, base_index, mac); !made) return tl::unexpected(made.error());
    links_[name] = base;
    hold_base(base);
    if (const auto all = read_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter"); !all.empty() && all != "0") {
      logger_->warning(
          "use_vmac: net.ipv4.conf.all.rp_filter = {} also applies to {} (the kernel takes the larger): "
          "traffic to its VIPs may be dropped; set it to 0",
          all, name);
    }
    logger_->info("Success creating VMAC interface {} ({} on {})", name, protocol::mac_to_string(mac), base);
  }
  const auto index = static_cast<int>(::if_nametoindex(name.c_str()));
  if (index == 0) return common::fail("use_vmac: {} vanished after its creation", name);
  return index;
}

common::Status VmacLinks::create(const std::string& name, int base_index, const protocol::MacAddress& mac) {
  LinkPtr link(rtnl_link_macvlan_alloc());
  if (!link) return common::fail("use_vmac: out of memory");
  std::unique_ptr<nl_addr, NlAddrFree> address(nl_addr_build(AF_LLC, mac.data(), mac.size()));
  rtnl_link_set_name(link.get(), name.c_str());
  rtnl_link_set_link(link.get(), base_index);
  rtnl_link_set_addr(link.get(), address.get());
  rtnl_link_macvlan_set_mode(link.get(), static_cast<uint32_t>(rtnl_link_macvlan_str2mode("private")));
  if (const int err = rtnl_link_add(sock_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    return common::fail("use_vmac: creating {}: {}", name, nl_geterror(err));
  }
  // Down until its sysctls are set (no IPv6 link-local appears), then up.
  for (const auto& [key, value] : kVmacSettings) write_sysctl(sysctl_path(name, key), value);
  LinkPtr change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  LinkPtr current(rtnl_link_alloc());
  rtnl_link_set_name(current.get(), name.c_str());
  rtnl_link_set_ifindex(current.get(), static_cast<int>(::if_nametoindex(name.c_str())));
  if (const int err = rtnl_link_change(sock_.get(), current.get(), change.get(), 0); err < 0) {
    remove_link(name);
    return common::fail("use_vmac: setting {} up: {}", name, nl_geterror(err));
  }
  return {};
}

void VmacLinks::release(std::string name) {
  const auto it = links_.find(name);
  if (it == links_.end()) return;
  const auto base = it->second;
  links_.erase(it);
  remove_link(name);
  release_base(base);
  logger_->info("VMAC interface {} removed", name);
}

void VmacLinks::remove_link(const std::string& name) {
  LinkPtr link(rtnl_link_alloc());
  rtnl_link_set_name(link.get(), name.c_str());
  if (const int err = rtnl_link_delete(sock_.get(), link.get()); err < 0 && err != -NLE_OBJ_NOTFOUND) {
    logger_->warning("use_vmac: removing {}: {}", name, nl_geterror(err));
  }
}

void VmacLinks::hold_base(const std::string& base) {
  auto& hold = bases_[base];
  if (hold.users++ > 0) return;
  for (const auto& [key, value] : kBaseSettings) {
    const auto path = sysctl_path(base, key);
    hold.saved[key] = read_sysctl(path);
    if (!write_sysctl(path, value)) logger_->warning("use_vmac: cannot set {} = {}", path, value);
  }
}

void VmacLinks::release_base(const std::string& base) {
  const auto it = bases_.find(base);
  if (it == bases_.end() || --it->second.users > 0) return;
  for (const auto& [key, value] : it->second.saved) {
    if (!value.empty()) write_sysctl(sysctl_path(base, key), value);
  }
  bases_.erase(it);
}

}  // namespace vrrpd::io
