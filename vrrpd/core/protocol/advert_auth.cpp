#include "vrrpd/core/protocol/advert_auth.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace vrrpd::protocol {
namespace {

constexpr std::uint8_t kMagic0 = 'V';
constexpr std::uint8_t kMagic1 = 'H';
constexpr std::uint8_t kTrailerVersion = 1;
constexpr std::string_view kDomain = "vrrpd-auth-hmac-1";
constexpr std::uint8_t kVrrpProtocol = 112;

void put_header(std::vector<std::uint8_t>& out, std::uint8_t key_id, std::uint64_t counter) {
  out.insert(out.end(), {kMagic0, kMagic1, kTrailerVersion, key_id});
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(counter >> shift));
}

std::string key_ids(const config::KeyRing& keys) {
  std::string out;
  for (const auto& [id, secret] : keys) out += fmt::format("{}{}", out.empty() ? "" : ", ", id);
  return out;
}

}  // namespace

std::optional<AuthTrailer> parse_trailer(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kTrailerSize || bytes[0] != kMagic0 || bytes[1] != kMagic1 || bytes[2] != kTrailerVersion) {
    return std::nullopt;
  }
  AuthTrailer t;
  t.key_id = bytes[3];
  for (std::size_t i = 4; i < kTrailerHeaderSize; ++i) t.counter = t.counter << 8 | bytes[i];
  std::copy_n(bytes.begin() + kTrailerHeaderSize, kHmacSize, t.mac.begin());
  return t;
}

std::vector<std::uint8_t> signed_bytes(std::span<const std::uint8_t> message, const PacketAddresses& addresses,
                                       std::uint8_t key_id, std::uint64_t counter) {
  std::vector<std::uint8_t> out(kDomain.begin(), kDomain.end());
  const auto source = addresses.source.bytes();
  const auto destination = addresses.destination.bytes();
  out.insert(out.end(), source.begin(), source.end());
  out.insert(out.end(), destination.begin(), destination.end());
  out.push_back(kVrrpProtocol);
  out.insert(out.end(), message.begin(), message.end());
  put_header(out, key_id, counter);
  return out;
}

bool digest_equal(const Digest& a, const Digest& b) {
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

std::optional<DropReason> AuthCheck::drop() const {
  switch (outcome) {
    case AuthOutcome::Authenticated:
    case AuthOutcome::Unauthenticated:
    case AuthOutcome::NotChecked:
      return std::nullopt;
    case AuthOutcome::DropUnauthenticated:
      return DropReason::Unauthenticated;
    case AuthOutcome::DropUnknownKey:
      return DropReason::UnknownKey;
    case AuthOutcome::DropBadHmac:
      return DropReason::BadHmac;
    case AuthOutcome::DropReplay:
      return DropReason::Replay;
    case AuthOutcome::DropStale:
      return DropReason::Stale;
  }
  return std::nullopt;
}

AdvertAuthenticator::AdvertAuthenticator(AuthSettings settings, HmacFunction hmac)
    : settings_(std::move(settings)), hmac_(std::move(hmac)) {}

AuthCheck AdvertAuthenticator::check(std::span<const std::uint8_t> message, const std::optional<AuthTrailer>& trailer,
                                     const PacketAddresses& addresses, std::uint64_t now_us) {
  if (settings_.mode == AuthMode::Off) return {AuthOutcome::NotChecked, {}};
  if (!trailer) {
    if (settings_.mode == AuthMode::Enforce) {
      return {AuthOutcome::DropUnauthenticated, "no auth_hmac trailer (auth_hmac enforce)"};
    }
    return {AuthOutcome::Unauthenticated,
            "no auth_hmac trailer (accepted: auth_hmac " +
                std::string(settings_.mode == AuthMode::Permissive ? "permissive" : "receive_only") + ")"};
  }
  return verify(message, *trailer, addresses, now_us);
}

AuthCheck AdvertAuthenticator::verify(std::span<const std::uint8_t> message, const AuthTrailer& trailer,
                                      const PacketAddresses& addresses, std::uint64_t now_us) {
  const auto key = settings_.keys.find(trailer.key_id);
  if (key == settings_.keys.end()) {
    return {AuthOutcome::DropUnknownKey,
            fmt::format("key id {} unknown (ours: {})", trailer.key_id, key_ids(settings_.keys))};
  }
  const auto expected = hmac_(key->second, signed_bytes(message, addresses, trailer.key_id, trailer.counter));
  if (!digest_equal(expected, trailer.mac)) {
    return {AuthOutcome::DropBadHmac, fmt::format("HMAC does not match key id {}", trailer.key_id)};
  }
  // Only an authentic advert moves the sender's counter.
  const auto last = last_received_.find(addresses.source);
  if (last != last_received_.end() && trailer.counter <= last->second) {
    return {AuthOutcome::DropReplay,
            fmt::format("replayed: counter {} not above the last accepted {}", trailer.counter, last->second)};
  }
  if (last == last_received_.end()) {
    const auto skew = trailer.counter > now_us ? trailer.counter - now_us : now_us - trailer.counter;
    if (skew > settings_.replay_window_us) {
      return {AuthOutcome::DropStale,
              fmt::format("first advert from this sender is {:.1f}s off our clock (replay_window "
                          "{:.0f}s): a replay, or the clocks disagree (check NTP)",
                          static_cast<double>(skew) / 1e6, static_cast<double>(settings_.replay_window_us) / 1e6)};
    }
  }
  last_received_[addresses.source] = trailer.counter;
  return {AuthOutcome::Authenticated, {}};
}

void AdvertAuthenticator::sign(std::vector<std::uint8_t>& message, const PacketAddresses& addresses,
                               std::uint64_t now_us) {
  const auto key = settings_.keys.find(settings_.active_key);
  if (key == settings_.keys.end()) return;  // refused when the configuration is loaded
  last_sent_ = std::max(now_us, last_sent_ + 1);
  const auto mac = hmac_(key->second, signed_bytes(message, addresses, settings_.active_key, last_sent_));
  put_header(message, settings_.active_key, last_sent_);
  message.insert(message.end(), mac.begin(), mac.end());
}

}  // namespace vrrpd::protocol
