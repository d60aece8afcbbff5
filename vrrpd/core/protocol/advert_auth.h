// Authenticated adverts (auth_hmac): an HMAC-SHA256 trailer after the VRRP
// message, in the same IP payload, with a key id (rotation) and a counter
// (anti-replay). Pure: the HMAC function is handed in (OpenSSL in io/).
//
// The trailer, 44 bytes:
//    0  'V' 'H'        magic
//    2  1              trailer version
//    3  key id         1-255, a key of the key file
//    4  counter        8 bytes, big-endian: the sender's wall clock in
//                      microseconds, strictly increasing per sender
//   12  HMAC-SHA256    32 bytes, over "vrrpd-auth-hmac-1", the IP source and
//                      destination addresses, the IP protocol (112), the
//                      VRRP message (checksum included) and bytes 0-11
//
// The VRRP checksum covers the VRRP message only. A receiver without
// auth_hmac ignores the trailer; Keepalived 2.2.7 drops such adverts
// ("vrrp packet too long"), hence receive_only for mixed pairs.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "vrrpd/core/config/auth_keys.h"
#include "vrrpd/core/protocol/advert_validation.h"
#include "vrrpd/core/protocol/vrrp_packet.h"

namespace vrrpd::protocol {

inline constexpr std::size_t kHmacSize = 32;
inline constexpr std::size_t kTrailerHeaderSize = 12;
inline constexpr std::size_t kTrailerSize = kTrailerHeaderSize + kHmacSize;
static_assert(kTrailerSize == kAuthTrailerSize);

using Digest = std::array<std::uint8_t, kHmacSize>;
using HmacFunction = std::function<Digest(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data)>;

struct AuthTrailer {
  std::uint8_t key_id = 0;
  std::uint64_t counter = 0;
  Digest mac{};
};

// <bytes> is a trailer (exactly kTrailerSize, magic and version right).
std::optional<AuthTrailer> parse_trailer(std::span<const std::uint8_t> bytes);

// The bytes the HMAC covers.
std::vector<std::uint8_t> signed_bytes(std::span<const std::uint8_t> message, const PacketAddresses& addresses,
                                       std::uint8_t key_id, std::uint64_t counter);

// Compares in constant time.
bool digest_equal(const Digest& a, const Digest& b);

// off: no trailer sent, any ignored. receive_only: none sent; a received
// one is checked (dropped when wrong), an advert without one accepted and
// counted. permissive: signed; unsigned ones accepted and counted (the
// migration step). enforce: signed; unsigned ones dropped.
using AuthMode = config::AuthHmac;
// Whether adverts sent in <mode> carry a trailer (permissive, enforce).
inline bool signs(AuthMode mode) {
  return mode == AuthMode::Permissive || mode == AuthMode::Enforce;
}

enum class AuthOutcome {
  Authenticated,
  Unauthenticated,      // accepted without a trailer (receive_only, permissive), counted
  NotChecked,           // mode off
  DropUnauthenticated,  // enforce and no trailer
  DropUnknownKey,
  DropBadHmac,
  DropReplay,  // counter not above the sender's last
  DropStale,   // first advert of a sender, counter outside replay_window
};

struct AuthCheck {
  AuthOutcome outcome = AuthOutcome::NotChecked;
  std::string detail;  // for the log: "key id 7 unknown (ours: 1, 2)"
  // The drop reason, if the advert is to be dropped.
  std::optional<DropReason> drop() const;
};

struct AuthSettings {
  AuthMode mode = AuthMode::Off;
  config::KeyRing keys;
  std::uint8_t active_key = 1;
  std::uint64_t replay_window_us = 60'000'000;
};

class AdvertAuthenticator {
 public:
  AdvertAuthenticator(AuthSettings settings, HmacFunction hmac);

  // Checks a received advert: <message> the VRRP message, <trailer> its
  // trailer if any, <now_us> our wall clock in microseconds.
  AuthCheck check(std::span<const std::uint8_t> message, const std::optional<AuthTrailer>& trailer,
                  const PacketAddresses& addresses, std::uint64_t now_us);
  bool signs() const { return protocol::signs(settings_.mode); }
  // Appends the trailer to <message> (an encoded advert to <addresses>).
  void sign(std::vector<std::uint8_t>& message, const PacketAddresses& addresses, std::uint64_t now_us);
  AuthMode mode() const { return settings_.mode; }
  // New keys or mode (a reload): the replay state is kept.
  void update(AuthSettings settings) { settings_ = std::move(settings); }

 private:
  AuthCheck verify(std::span<const std::uint8_t> message, const AuthTrailer& trailer, const PacketAddresses& addresses,
                   std::uint64_t now_us);

  AuthSettings settings_;
  HmacFunction hmac_;
  std::uint64_t last_sent_ = 0;
  std::map<common::net::IpAddress, std::uint64_t> last_received_;  // per sender
};

}  // namespace vrrpd::protocol
