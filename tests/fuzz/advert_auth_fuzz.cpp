// Any bytes as an authenticated advert (a VRRP message and an auth_hmac
// trailer of any length, key id and counter), and as a key file: nothing
// crashes, a tampered advert never authenticates, and the only adverts that
// do are the ones signed with the key ring.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "vrrpd/core/config/auth_keys.h"
#include "vrrpd/core/protocol/advert_auth.h"

using namespace vrrpd::protocol;

namespace {

Digest hmac(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  Digest out{};
  unsigned int length = 0;
  ::HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &length);
  return out;
}

AuthSettings settings(AuthMode mode) {
  AuthSettings s;
  s.mode = mode;
  s.keys[1] = std::vector<std::uint8_t>(32, 0x11);
  s.keys[2] = std::vector<std::uint8_t>(32, 0x22);
  s.active_key = 1;
  s.replay_window_us = 60'000'000;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  (void)vrrpd::config::parse_key_file(std::string_view(reinterpret_cast<const char*>(data), size));
  const PacketAddresses at{*common::net::IpAddress::parse("10.0.0.12"), *common::net::IpAddress::parse("10.0.0.11")};
  const auto decoded = decode(bytes, at);
  if (!decoded) return 0;
  std::optional<AuthTrailer> trailer;
  if (decoded->has_trailer) trailer = parse_trailer(bytes.subspan(decoded->message_size));
  const auto message = bytes.first(decoded->message_size);
  for (const auto mode : {AuthMode::ReceiveOnly, AuthMode::Permissive, AuthMode::Enforce}) {
    AdvertAuthenticator auth(settings(mode), hmac);
    const auto now = trailer ? trailer->counter : 0;
    const auto check = auth.check(message, trailer, at, now);
    if (check.outcome == AuthOutcome::Authenticated) {
      // Only a trailer made with one of the keys can get here.
      const auto key = settings(mode).keys.at(trailer->key_id);
      if (!digest_equal(hmac(key, signed_bytes(message, at, trailer->key_id, trailer->counter)), trailer->mac)) {
        std::abort();
      }
      // The same bytes again are a replay.
      if (auth.check(message, trailer, at, now).outcome != AuthOutcome::DropReplay) std::abort();
    }
    if (mode == AuthMode::Enforce && !trailer && !check.drop()) std::abort();
  }
  return 0;
}
