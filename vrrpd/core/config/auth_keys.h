// The keys of authenticated adverts (auth_hmac): a key file holds one key
// per line, "ID SECRET" with ID 1-255 and SECRET 16 to 64 bytes in hex;
// '#' starts a comment. Several keys may be live at once (rotation): every
// key verifies, the instance's active_key signs.
//
//   # vrrpd genkey > /etc/vrrpd/vrrp.key   (mode 0600)
//   1 6f1c0e...   (64 hex digits)
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"

namespace vrrpd::config {

using KeyRing = std::map<std::uint8_t, std::vector<std::uint8_t>>;

// auth_hmac: authenticated adverts (protocol/advert_auth.h says what each does).
enum class AuthHmac { Off, ReceiveOnly, Permissive, Enforce };

// Every problem as "LINE: message" in the error (all of them, one per line).
common::Result<KeyRing> parse_key_file(std::string_view text);

// One key file line for key <id> with <secret> ("ID HEX").
std::string format_key_line(std::uint8_t id, std::span<const std::uint8_t> secret);

}  // namespace vrrpd::config
