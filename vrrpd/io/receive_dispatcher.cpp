#include "vrrpd/io/receive_dispatcher.h"

#include <fmt/format.h>

namespace vrrpd::io {

using common::log::Level;

common::Result<std::unique_ptr<ReceiveDispatcher>> ReceiveDispatcher::open(SharedServices services,
                                                                           const std::string& interface, int ifindex,
                                                                           common::net::Family family,
                                                                           bool join_group) {
  auto socket = VrrpReceiveSocket::open(interface, ifindex, family, join_group);
  if (!socket) return common::fail("{}: {}", interface, socket.error().describe());
  std::optional<FrameTap> tap;
  if (auto opened = FrameTap::open(ifindex, family)) {
    tap.emplace(std::move(*opened));
  } else {
    services.logger.warning("{}: no peer MAC check: {}", interface, opened.error().describe());
  }
  return std::unique_ptr<ReceiveDispatcher>(
      new ReceiveDispatcher(services, interface, std::move(*socket), std::move(tap)));
}

ReceiveDispatcher::ReceiveDispatcher(SharedServices services, std::string interface, VrrpReceiveSocket socket,
                                     std::optional<FrameTap> tap)
    : services_(services),
      interface_(std::move(interface)),
      socket_(std::move(socket)),
      tap_(std::move(tap)),
      watcher_(services.loop, [this](int) { on_readable(); }) {
  watcher_.start(socket_.fd(), EV_READ);
}

void ReceiveDispatcher::on_readable() {
  // Drain what is queued, but bounded: a flood must not starve the timers.
  for (int i = 0; i < 64; ++i) {
    auto packet = socket_.receive();
    if (!packet) {
      services_.logger.error("receive on {}: {}", interface_, packet.error().describe());
      return;
    }
    if (!*packet) return;
    if (tap_) (*packet)->source_mac = tap_->mac_of(**packet);
    dispatch(**packet);
  }
}

void ReceiveDispatcher::dispatch(const ReceivedPacket& packet) {
  for (const auto* r : runners_) {
    if (r->source() == packet.source) return;  // our own advert looped back
  }
  const auto decoded = protocol::decode(packet.payload, {packet.source, packet.destination});
  const auto now = services_.loop.now();
  if (!decoded) {
    ++malformed_;
    services_.drop_log_limiter.log(services_.logger, Level::Warning,
                                   fmt::format("{} malformed {}", interface_, packet.source.to_string()),
                                   fmt::format("dropped VRRP packet from {} on {}: {}", packet.source.to_string(),
                                               interface_, protocol::describe(decoded.error())),
                                   now);
    return;
  }
  for (auto* r : runners_) {
    if (r->config().vrid == decoded->advert.vrid) {
      r->on_advert(packet, *decoded);
      return;
    }
  }
  ++unknown_vrid_;
  std::string ours;
  for (const auto* r : runners_) ours += (ours.empty() ? "" : ", ") + std::to_string(r->config().vrid);
  services_.drop_log_limiter.log(services_.logger, Level::Warning,
                                 fmt::format("{} vrid {}", interface_, packet.source.to_string()),
                                 fmt::format("dropped advert from {} on {}: virtual_router_id {}, ours {}",
                                             packet.source.to_string(), interface_, decoded->advert.vrid, ours),
                                 now);
}

nlohmann::json ReceiveDispatcher::status() const {
  return {{"interface", interface_}, {"malformed", malformed_}, {"unknown_vrid", unknown_vrid_}};
}

}  // namespace vrrpd::io
