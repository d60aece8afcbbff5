#include "vrrpd/core/config/auth_keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/core/text.h"

namespace vrrpd::config {
namespace {

constexpr std::size_t kMinSecret = 16;
constexpr std::size_t kMaxSecret = 64;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

common::Result<std::vector<std::uint8_t>> parse_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return common::fail("the secret has an odd number of hex digits");
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return common::fail("the secret is not hexadecimal");
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  if (out.size() < kMinSecret || out.size() > kMaxSecret) {
    return common::fail("the secret is {} bytes; expected {} to {} (vrrpd genkey makes 32)", out.size(), kMinSecret,
                        kMaxSecret);
  }
  return out;
}

common::Status parse_line(std::string_view line, KeyRing& ring) {
  const auto words = common::text::split_words(line);
  if (words.size() != 2) return common::fail("expected \"ID SECRET\" (ID 1-255, SECRET in hex)");
  unsigned id = 0;
  const auto r = std::from_chars(words[0].data(), words[0].data() + words[0].size(), id);
  if (r.ec != std::errc() || r.ptr != words[0].data() + words[0].size() || id < 1 || id > 255) {
    return common::fail("key id '{}' is not 1 to 255", words[0]);
  }
  auto secret = parse_hex(words[1]);
  if (!secret) return tl::unexpected(secret.error());
  if (!ring.emplace(static_cast<std::uint8_t>(id), std::move(*secret)).second) {
    return common::fail("key id {} is given twice", id);
  }
  return {};
}

}  // namespace

common::Result<KeyRing> parse_key_file(std::string_view text) {
  KeyRing ring;
  std::string errors;
  int number = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto end = std::min(text.find('\n', at), text.size());
    const auto raw = text.substr(at, end - at);
    at = end + 1;
    ++number;
    auto line = raw.substr(0, raw.find('#'));
    if (common::text::trim(line).empty()) continue;
    if (auto parsed = parse_line(line, ring); !parsed) {
      errors += fmt::format("{}{}: {}", errors.empty() ? "" : "\n", number, parsed.error().message);
    }
  }
  if (!errors.empty()) return common::fail("{}", errors);
  if (ring.empty()) return common::fail("no key (make one with: vrrpd genkey)");
  return ring;
}

std::string format_key_line(std::uint8_t id, std::span<const std::uint8_t> secret) {
  std::string out = fmt::format("{} ", id);
  for (const auto b : secret) out += fmt::format("{:02x}", b);
  return out;
}

}  // namespace vrrpd::config
