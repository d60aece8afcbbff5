// VIPs on interfaces, through rtnetlink (libnl-3 route). Adding reports
// whether the address was already there, so the caller only ever removes
// addresses it added itself.
#pragma once

#include <memory>
#include <string>

#include "common/core/result.h"
#include "vrrpd/core/config/vrrp_config.h"

struct nl_sock;
struct nl_msg;

namespace vrrpd::io {

struct NlSockFree {
  void operator()(nl_sock* sock) const;
};
using NlSockPtr = std::unique_ptr<nl_sock, NlSockFree>;

enum class AddOutcome { Added, AlreadyPresent };
enum class RemoveOutcome { Removed, NotPresent };

class NetlinkAddresses {
 public:
  static common::Result<NetlinkAddresses> open();

  // Adds <vip> to interface <ifindex> (label, scope; IPv6 without DAD so it
  // is usable at once).
  common::Result<AddOutcome> add(int ifindex, const config::VirtualAddress& vip);
  common::Result<RemoveOutcome> remove(int ifindex, const config::VirtualAddress& vip);

 private:
  NlSockPtr sock_;
};

}  // namespace vrrpd::io
