// A netlink route socket subscribed to kernel event groups (links,
// addresses), non-blocking, each valid message handed to <on_message>:
// what LinkMonitor and AddressMonitor share.
#pragma once

#include <netlink/handlers.h>
#include <netlink/socket.h>

#include <initializer_list>
#include <string_view>

#include "common/core/result.h"

namespace vrrpd::io {

// Connects <sock> to NETLINK_ROUTE and joins <groups>; <what> names them in
// errors ("link events").
common::Status subscribe_route_events(nl_sock* sock, nl_recvmsg_msg_cb_t on_message, void* arg,
                                      std::initializer_list<int> groups, std::string_view what);

}  // namespace vrrpd::io
