#include "vrrpd/io/netlink_addresses.h"

#include <linux/if_addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/rtnl.h>
#include <sys/socket.h>

namespace vrrpd::io {
namespace {

struct AddrFree {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct NlAddrFree {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};

std::unique_ptr<rtnl_addr, AddrFree> build(int ifindex, const config::VirtualAddress& vip) {
  std::unique_ptr<rtnl_addr, AddrFree> addr(rtnl_addr_alloc());
  const auto bytes = vip.address.network.bytes();
  const int family = vip.address.network.is_v4() ? AF_INET : AF_INET6;
  std::unique_ptr<nl_addr, NlAddrFree> local(nl_addr_build(family, bytes.data(), bytes.size()));
  nl_addr_set_prefixlen(local.get(), vip.address.prefix_length);
  rtnl_addr_set_ifindex(addr.get(), ifindex);
  rtnl_addr_set_family(addr.get(), family);
  rtnl_addr_set_local(addr.get(), local.get());
  rtnl_addr_set_prefixlen(addr.get(), vip.address.prefix_length);
  if (!vip.label.empty()) rtnl_addr_set_label(addr.get(), vip.label.c_str());
  rtnl_addr_set_scope(addr.get(), rtnl_str2scope(vip.scope.c_str()));
  if (family == AF_INET6) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
  return addr;
}

}  // namespace

void NlSockFree::operator()(nl_sock* sock) const {
  nl_socket_free(sock);
}

common::Result<NetlinkAddresses> NetlinkAddresses::open() {
  NetlinkAddresses n;
  n.sock_.reset(nl_socket_alloc());
  if (!n.sock_) return common::fail("netlink: out of memory");
  if (const int err = nl_connect(n.sock_.get(), NETLINK_ROUTE); err < 0) {
    return common::fail("netlink connect: {}", nl_geterror(err));
  }
  return n;
}

common::Result<AddOutcome> NetlinkAddresses::add(int ifindex, const config::VirtualAddress& vip) {
  const auto addr = build(ifindex, vip);
  const int err = rtnl_addr_add(sock_.get(), addr.get(), NLM_F_EXCL);
  if (err == -NLE_EXIST) return AddOutcome::AlreadyPresent;
  if (err < 0) return common::fail("add {}: {}", vip.address.to_string(), nl_geterror(err));
  return AddOutcome::Added;
}

common::Result<RemoveOutcome> NetlinkAddresses::remove(int ifindex, const config::VirtualAddress& vip) {
  const auto addr = build(ifindex, vip);
  const int err = rtnl_addr_delete(sock_.get(), addr.get(), 0);
  if (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return RemoveOutcome::NotPresent;
  if (err < 0) return common::fail("remove {}: {}", vip.address.to_string(), nl_geterror(err));
  return RemoveOutcome::Removed;
}

}  // namespace vrrpd::io
