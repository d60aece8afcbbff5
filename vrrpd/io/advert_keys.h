// The OpenSSL side of authenticated adverts (auth_hmac): HMAC-SHA256, the
// key file (read like a private key: mode 0600 or stricter), new keys for
// `vrrpd genkey`, and the wall clock the anti-replay counters use.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "vrrpd/core/config/auth_keys.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/core/protocol/advert_auth.h"

namespace vrrpd::io {

protocol::Digest hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// The keys in <path>; errors as "key file PATH:LINE: ...".
common::Result<config::KeyRing> load_key_file(const std::string& path);

// <size> random bytes from OpenSSL's CSPRNG.
common::Result<std::vector<std::uint8_t>> random_secret(std::size_t size);

// An instance's auth_hmac settings, its key file read now (a reload reads
// it again); fails when the file does not read or lacks active_key.
common::Result<protocol::AuthSettings> load_auth_settings(const config::Instance& instance);
// "off", "receive_only", "permissive", "enforce".
std::string_view auth_name(config::AuthHmac mode);

// CLOCK_REALTIME in microseconds.
std::uint64_t wall_clock_us();

}  // namespace vrrpd::io
