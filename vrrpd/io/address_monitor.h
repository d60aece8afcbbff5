// Address deletions from rtnetlink multicast (RTNLGRP_IPV4_IFADDR and
// RTNLGRP_IPV6_IFADDR): a VIP that someone removes while we are master is
// seen at once, not at the next poll.
#pragma once

#include <functional>
#include <memory>

#include "common/core/address.h"
#include "common/core/result.h"
#include "common/io/event_loop.h"
#include "vrrpd/io/netlink_addresses.h"

namespace vrrpd::io {

class AddressMonitor {
 public:
  // <on_removed>(ifindex, address) for every RTM_DELADDR, ours included
  // (callers check whether the address is one they still hold).
  using Callback = std::function<void(int ifindex, const common::net::IpAddress& address)>;

  static common::Result<std::unique_ptr<AddressMonitor>> open(common::io::EventLoop& loop, Callback on_removed);

 private:
  AddressMonitor(common::io::EventLoop& loop, Callback on_removed);
  static int on_message(::nl_msg* msg, void* self);

  Callback on_removed_;
  NlSockPtr sock_;
  common::io::IoWatcher watcher_;
};

}  // namespace vrrpd::io
