// InstanceRunner's checks of who sent an advert: auth_hmac (the HMAC
// trailer, advert_auth.h) and the peer's MAC (peer_mac.h).
#include <fmt/format.h>

#include "vrrpd/core/protocol/virtual_mac.h"
#include "vrrpd/io/advert_keys.h"
#include "vrrpd/io/frame_tap.h"
#include "vrrpd/io/instance_runner.h"

namespace vrrpd::io {

using common::log::Level;

std::optional<protocol::AuthOutcome> InstanceRunner::authenticate(const ReceivedPacket& packet,
                                                                  const protocol::Decoded& decoded) {
  const std::span<const std::uint8_t> payload(packet.payload);
  std::optional<protocol::AuthTrailer> trailer;
  if (decoded.has_trailer) {
    trailer = protocol::parse_trailer(payload.subspan(decoded.message_size));
    if (!trailer && auth_.mode() != protocol::AuthMode::Off) {
      ++counters_.dropped[static_cast<std::size_t>(protocol::DropReason::BadHmac)];
      log_drop(packet.source, "bad_hmac",
               fmt::format("auth_hmac trailer version {} unknown", payload[decoded.message_size + 2]));
      return std::nullopt;
    }
  }
  const auto check =
      auth_.check(payload.first(decoded.message_size), trailer, {packet.source, packet.destination}, wall_clock_us());
  if (const auto drop = check.drop()) {
    ++counters_.dropped[static_cast<std::size_t>(*drop)];
    log_drop(packet.source, protocol::describe(*drop), check.detail);
    return std::nullopt;
  }
  if (check.outcome == protocol::AuthOutcome::Unauthenticated) {
    ++counters_.unauthenticated_accepted;
    services_.drop_log_limiter.log(services_.logger, Level::Warning,
                                   fmt::format("{} unauthenticated {}", config_.name, packet.source.to_string()),
                                   fmt::format("({}) accepted unauthenticated advert from {}: {}", config_.name,
                                               packet.source.to_string(), check.detail),
                                   services_.loop.now());
  } else if (check.outcome == protocol::AuthOutcome::Authenticated) {
    ++counters_.authenticated;
  }
  return check.outcome;
}

bool InstanceRunner::check_peer_mac(const ReceivedPacket& packet, bool authenticated) {
  constexpr std::size_t kMaxPeers = 16;  // multicast: any sender; a flood of spoofed ones must not grow this
  if (!packet.source_mac) return true;
  const auto& mac = *packet.source_mac;
  const auto known = mac_guard_.known(packet.source);
  if (!known && mac_guard_.peers().size() >= kMaxPeers) return true;
  if (!known) {
    if (const auto neighbour = neighbour_mac(ifindex_, packet.source)) mac_guard_.expect(packet.source, *neighbour);
  }
  if (mac_guard_.forged(packet.source, mac) && !authenticated) {
    const auto expected = *mac_guard_.known(packet.source);
    ++counters_.dropped[static_cast<std::size_t>(protocol::DropReason::WrongMac)];
    log_drop(packet.source, "wrong_mac",
             fmt::format("sent from MAC {}, but {} is at {} (from {}): a forgery, or a replaced NIC (reload vrrpd to "
                         "accept it)",
                         protocol::mac_to_string(mac), packet.source.to_string(), protocol::mac_to_string(expected.mac),
                         protocol::describe(expected.source)));
    return false;
  }
  const auto before = mac_guard_.known(packet.source);
  if (mac_guard_.learn(packet.source, mac)) {
    services_.logger.notice("({}) peer {} now sends from MAC {} (was {}): authenticated by auth_hmac, learned",
                            config_.name, packet.source.to_string(), protocol::mac_to_string(mac),
                            protocol::mac_to_string(before->mac));
  }
  return true;
}

common::Status InstanceRunner::update_auth(const config::Instance& wanted) {
  auto settings = load_auth_settings(wanted);
  if (!settings) return tl::unexpected(settings.error());
  if (wanted.auth_hmac != config_.auth_hmac || wanted.active_key != config_.active_key) {
    services_.logger.info("({}) auth_hmac {}: active key {}", config_.name, auth_name(wanted.auth_hmac),
                          wanted.active_key);
  }
  config_.auth_hmac = wanted.auth_hmac;
  config_.key_file = wanted.key_file;
  config_.active_key = wanted.active_key;
  config_.replay_window = wanted.replay_window;
  auth_.update(std::move(*settings));
  return {};
}

}  // namespace vrrpd::io
