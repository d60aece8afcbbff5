// auth_hmac: the trailer, the HMAC over the advert and its addressing, the
// modes, anti-replay and key rotation. HMAC-SHA256 from OpenSSL; the seed
// adverts in tests/fuzz/corpus/advert_auth were signed by Python's hmac
// module, an independent implementation of the format.
#include "vrrpd/core/protocol/advert_auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>
#include <fstream>

using namespace vrrpd::protocol;
using common::net::IpAddress;

namespace {

Digest hmac(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  Digest out{};
  unsigned int length = 0;
  ::HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &length);
  return out;
}

const PacketAddresses kAt{*IpAddress::parse("10.0.0.12"), *IpAddress::parse("10.0.0.11")};
constexpr std::uint64_t kNow = 1'733'600'000'000'000;  // µs

AuthSettings settings(AuthMode mode, std::uint8_t active = 1) {
  AuthSettings s;
  s.mode = mode;
  s.keys[1] = std::vector<std::uint8_t>(32, 0x11);
  s.keys[2] = std::vector<std::uint8_t>(32, 0x22);
  s.active_key = active;
  s.replay_window_us = 60'000'000;
  return s;
}

std::vector<std::uint8_t> message(std::uint8_t priority) {
  Advert a;
  a.vrid = 51;
  a.priority = priority;
  a.interval_cs = 10;
  a.addresses = {*IpAddress::parse("10.0.0.10")};
  return encode(a, kAt);
}

struct Received {
  std::vector<std::uint8_t> message;
  std::optional<AuthTrailer> trailer;
};

Received receive(const std::vector<std::uint8_t>& bytes) {
  const auto decoded = decode(bytes, kAt);
  REQUIRE(decoded);
  Received r{{bytes.begin(), bytes.begin() + static_cast<long>(decoded->message_size)}, std::nullopt};
  if (decoded->has_trailer) r.trailer = parse_trailer(std::span(bytes).subspan(decoded->message_size));
  return r;
}

AuthOutcome check(AdvertAuthenticator& auth, const std::vector<std::uint8_t>& bytes, std::uint64_t now = kNow) {
  const auto r = receive(bytes);
  return auth.check(r.message, r.trailer, kAt, now).outcome;
}

std::vector<std::uint8_t> read_seed(const std::string& name) {
  std::ifstream in(std::string(HAPAIR_SOURCE_DIR) + "/tests/fuzz/corpus/advert_auth/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a signed advert decodes with its trailer and authenticates; the same bytes again are a replay") {
  AdvertAuthenticator sender(settings(AuthMode::Enforce), hmac);
  auto bytes = message(100);
  const auto plain = bytes.size();
  sender.sign(bytes, kAt, kNow);
  CHECK(bytes.size() == plain + kTrailerSize);
  const auto decoded = decode(bytes, kAt);
  REQUIRE(decoded);
  CHECK(decoded->has_trailer);
  CHECK(decoded->message_size == plain);
  CHECK(decoded->advert.priority == 100);
  AdvertAuthenticator receiver(settings(AuthMode::Enforce), hmac);
  CHECK(check(receiver, bytes) == AuthOutcome::Authenticated);
  CHECK(check(receiver, bytes) == AuthOutcome::DropReplay);
  auto next = message(100);
  sender.sign(next, kAt, kNow);  // same clock: the counter still increases
  CHECK(check(receiver, next) == AuthOutcome::Authenticated);
}

TEST_CASE("the HMAC covers the message, the addresses and the counter") {
  AdvertAuthenticator sender(settings(AuthMode::Enforce), hmac);
  auto bytes = message(100);
  sender.sign(bytes, kAt, kNow);
  for (const std::size_t at : {2ul, 8ul, bytes.size() - 40, bytes.size() - 1}) {  // priority, VIP, counter, HMAC
    auto tampered = bytes;
    tampered[at] ^= 0x01;
    if (at == 2) {  // a new priority needs a right checksum to decode at all
      Advert a = decode(bytes, kAt)->advert;
      a.priority = 255;
      auto forged = encode(a, kAt);
      forged.insert(forged.end(), bytes.end() - kTrailerSize, bytes.end());
      tampered = forged;
    }
    AdvertAuthenticator receiver(settings(AuthMode::Enforce), hmac);
    const auto r = decode(tampered, kAt);
    if (!r) continue;  // a broken checksum is dropped before
    INFO("byte " << at);
    CHECK(check(receiver, tampered) == AuthOutcome::DropBadHmac);
  }
  // Another destination (a replay to the other node) does not verify either.
  AdvertAuthenticator receiver(settings(AuthMode::Enforce), hmac);
  const auto r = receive(bytes);
  const PacketAddresses elsewhere{kAt.source, *IpAddress::parse("10.0.0.13")};
  CHECK(receiver.check(r.message, r.trailer, elsewhere, kNow).outcome == AuthOutcome::DropBadHmac);
}

TEST_CASE("modes: an advert without a trailer is dropped by enforce, accepted and counted by the others") {
  const auto plain = message(100);
  AdvertAuthenticator enforce(settings(AuthMode::Enforce), hmac);
  AdvertAuthenticator permissive(settings(AuthMode::Permissive), hmac);
  AdvertAuthenticator receive_only(settings(AuthMode::ReceiveOnly), hmac);
  AdvertAuthenticator off(settings(AuthMode::Off), hmac);
  CHECK(check(enforce, plain) == AuthOutcome::DropUnauthenticated);
  CHECK(check(permissive, plain) == AuthOutcome::Unauthenticated);
  CHECK(check(receive_only, plain) == AuthOutcome::Unauthenticated);
  CHECK(check(off, plain) == AuthOutcome::NotChecked);
  CHECK(enforce.signs());
  CHECK(permissive.signs());
  CHECK_FALSE(receive_only.signs());
  CHECK_FALSE(off.signs());
  // receive_only still checks a trailer that is there.
  AdvertAuthenticator sender(settings(AuthMode::Enforce), hmac);
  auto bytes = message(100);
  sender.sign(bytes, kAt, kNow);
  bytes.back() ^= 1;
  CHECK(check(receive_only, bytes) == AuthOutcome::DropBadHmac);
}

TEST_CASE("an unknown key id is dropped; a rotation keeps the replay state") {
  AdvertAuthenticator sender(settings(AuthMode::Enforce, 2), hmac);
  auto bytes = message(100);
  sender.sign(bytes, kAt, kNow);
  auto only_one = settings(AuthMode::Enforce);
  only_one.keys.erase(2);
  AdvertAuthenticator receiver(only_one, hmac);
  const auto r = receive(bytes);
  const auto outcome = receiver.check(r.message, r.trailer, kAt, kNow);
  CHECK(outcome.outcome == AuthOutcome::DropUnknownKey);
  CHECK(outcome.detail == "key id 2 unknown (ours: 1)");
  CHECK(outcome.drop() == DropReason::UnknownKey);
  receiver.update(settings(AuthMode::Enforce));  // key 2 added (a reload)
  CHECK(check(receiver, bytes) == AuthOutcome::Authenticated);
  CHECK(check(receiver, bytes) == AuthOutcome::DropReplay);  // the state survived the update
}

TEST_CASE("a sender's first advert must be within replay_window of our clock; a restarted sender is accepted at once") {
  AdvertAuthenticator sender(settings(AuthMode::Enforce), hmac);
  auto old = message(0);
  sender.sign(old, kAt, kNow - 120'000'000);  // captured two minutes ago
  AdvertAuthenticator receiver(settings(AuthMode::Enforce), hmac);
  CHECK(check(receiver, old) == AuthOutcome::DropStale);
  auto fresh = message(100);
  sender.sign(fresh, kAt, kNow - 2'000'000);  // clocks 2 s apart: fine
  CHECK(check(receiver, fresh) == AuthOutcome::Authenticated);
  // The sender restarts: a new process, its counter from its clock again.
  AdvertAuthenticator restarted(settings(AuthMode::Enforce), hmac);
  auto after = message(100);
  restarted.sign(after, kAt, kNow + 1'000'000);
  CHECK(check(receiver, after, kNow + 1'000'000) == AuthOutcome::Authenticated);
}

TEST_CASE("adverts signed by Python's hmac module verify (an independent implementation of the format)") {
  AdvertAuthenticator receiver(settings(AuthMode::Enforce), hmac);
  CHECK(check(receiver, read_seed("signed_key1.bin"), 1'733'600'000'000'000) == AuthOutcome::Authenticated);
  CHECK(check(receiver, read_seed("signed_key2_prio0.bin"), 1'733'600'000'000'000) == AuthOutcome::Authenticated);
  CHECK(check(receiver, read_seed("bad_hmac.bin"), 1'733'600'000'000'000) == AuthOutcome::DropBadHmac);
  const auto v9 = read_seed("trailer_v9.bin");
  const auto decoded = decode(v9, kAt);
  REQUIRE(decoded);
  CHECK(decoded->has_trailer);
  CHECK_FALSE(parse_trailer(std::span(v9).subspan(decoded->message_size)));  // unknown trailer version
}

TEST_CASE("decode refuses any other extra length, and a trailer-sized tail without the magic") {
  auto bytes = message(100);
  auto longer = bytes;
  longer.resize(bytes.size() + 10);
  CHECK(decode(longer, kAt).error() == DecodeError::BadLength);
  auto junk = bytes;
  junk.resize(bytes.size() + kTrailerSize, 0xaa);
  CHECK(decode(junk, kAt).error() == DecodeError::BadLength);
}
