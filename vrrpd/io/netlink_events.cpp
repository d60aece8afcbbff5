#include "vrrpd/io/netlink_events.h"

#include <netlink/netlink.h>

namespace vrrpd::io {

common::Status subscribe_route_events(nl_sock* sock, nl_recvmsg_msg_cb_t on_message, void* arg,
                                      std::initializer_list<int> groups, std::string_view what) {
  nl_socket_disable_seq_check(sock);
  nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_message, arg);
  if (const int err = nl_connect(sock, NETLINK_ROUTE); err < 0) {
    return common::fail("netlink connect: {}", nl_geterror(err));
  }
  for (const int group : groups) {
    if (const int err = nl_socket_add_membership(sock, group); err < 0) {
      return common::fail("netlink {}: {}", what, nl_geterror(err));
    }
  }
  nl_socket_set_nonblocking(sock);
  return {};
}

}  // namespace vrrpd::io
