#include "vrrpd/floatip/core/ip_lookup.h"

#include <fmt/format.h>

namespace vrrpd::floatip {

std::string_view collection_path(IpKind kind) {
  switch (kind) {
    case IpKind::Reserved:
      return "/v2/reserved_ips";
    case IpKind::Floating:
      return "/v2/floating_ips";
  }
  return "?";
}

std::string IpEndpoints::ip_path() const {
  return fmt::format("{}/{}", collection_path(kind_), ip_);
}

std::string IpEndpoints::actions_path() const {
  return ip_path() + "/actions";
}

std::string IpEndpoints::action_path(std::uint64_t action) const {
  return fmt::format("{}/actions/{}", ip_path(), action);
}

bool IpEndpoints::fall_back() {
  if (confirmed_ || kind_ == IpKind::Floating) return false;
  kind_ = IpKind::Floating;
  return true;
}

tl::expected<IpOwnership, Reply> look_up_ip(ApiSession& session, IpEndpoints& endpoints) {
  while (true) {
    Reply reply = session.call("GET", endpoints.ip_path());
    if (reply.kind == ReplyKind::NotFound && endpoints.fall_back()) {
      session.logger().info("{} not found under {}; trying {}", session.target().ip, collection_path(IpKind::Reserved),
                            collection_path(IpKind::Floating));
      continue;
    }
    if (reply.kind != ReplyKind::Success) return tl::unexpected(std::move(reply));
    endpoints.confirm();
    auto owner = parse_ip_object(reply.response->body);
    if (owner) return *owner;
    reply.kind = ReplyKind::Unexpected;
    reply.detail = owner.error().message;
    return tl::unexpected(std::move(reply));
  }
}

}  // namespace vrrpd::floatip
