#include "vrrpd/io/advert_keys.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/io/secret_file.h"

namespace vrrpd::io {

protocol::Digest hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  // Fetched once: OpenSSL 3 looks an implicitly named digest up on every call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  protocol::Digest out{};
  unsigned int length = 0;
  ::HMAC(sha256 != nullptr ? sha256 : EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
         out.data(), &length);
  return out;
}

common::Result<config::KeyRing> load_key_file(const std::string& path) {
  auto text = common::io::read_secret_file(path, "key file", 64 * 1024);
  if (!text) return tl::unexpected(text.error());
  auto keys = config::parse_key_file(*text);
  if (!keys) {
    std::string message;
    const auto& all = keys.error().message;
    for (std::size_t at = 0; at < all.size();) {
      const auto end = std::min(all.find('\n', at), all.size());
      message += (message.empty() ? "" : "\n") + fmt::format("key file {}:{}", path, all.substr(at, end - at));
      at = end + 1;
    }
    return common::fail("{}", message);
  }
  return keys;
}

common::Result<std::vector<std::uint8_t>> random_secret(std::size_t size) {
  std::vector<std::uint8_t> out(size);
  if (::RAND_bytes(out.data(), static_cast<int>(size)) != 1) return common::fail("RAND_bytes failed");
  return out;
}

std::string_view auth_name(config::AuthHmac mode) {
  switch (mode) {
    case config::AuthHmac::Off:
      return "off";
    case config::AuthHmac::ReceiveOnly:
      return "receive_only";
    case config::AuthHmac::Permissive:
      return "permissive";
    case config::AuthHmac::Enforce:
      return "enforce";
  }
  return "off";
}

// auth_hmac's keys, read now (a reload reads them again).
common::Result<protocol::AuthSettings> load_auth_settings(const config::Instance& c) {
  protocol::AuthSettings s;
  s.mode = c.auth_hmac;
  s.active_key = static_cast<std::uint8_t>(c.active_key);
  s.replay_window_us = static_cast<std::uint64_t>(std::chrono::microseconds(c.replay_window).count());
  if (c.auth_hmac == config::AuthHmac::Off) return s;
  auto keys = load_key_file(c.key_file);
  if (!keys) return common::fail("instance {}: {}", c.name, keys.error().describe());
  if (protocol::signs(c.auth_hmac) && !keys->contains(s.active_key)) {
    return common::fail("instance {}: active_key {} is not in key file {}", c.name, c.active_key, c.key_file);
  }
  s.keys = std::move(*keys);
  return s;
}

std::uint64_t wall_clock_us() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

}  // namespace vrrpd::io
