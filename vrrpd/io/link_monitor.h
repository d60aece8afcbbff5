// Interface link changes from rtnetlink multicast (RTNLGRP_LINK): no polling.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/core/result.h"
#include "common/io/event_loop.h"
#include "vrrpd/io/netlink_addresses.h"

namespace vrrpd::io {

class LinkMonitor {
 public:
  // <on_change>(ifindex, name, up) for every link message (also unchanged
  // ones: callers compare with what they knew).
  using Callback = std::function<void(int ifindex, const std::string& name, bool up)>;

  static common::Result<std::unique_ptr<LinkMonitor>> open(common::io::EventLoop& loop, Callback on_change);

 private:
  LinkMonitor(common::io::EventLoop& loop, Callback on_change);
  static int on_message(::nl_msg* msg, void* self);

  Callback on_change_;
  NlSockPtr sock_;
  common::io::IoWatcher watcher_;
};

}  // namespace vrrpd::io
