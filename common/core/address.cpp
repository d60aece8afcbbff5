#include "common/core/address.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "common/core/text.h"

namespace common::net {
namespace {

std::optional<std::uint32_t> parse_decimal(std::string_view s, std::uint32_t max) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;  // no octal look-alikes
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || value > max) return std::nullopt;
  return value;
}

std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view s) {
  std::array<std::uint8_t, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto dot = s.find('.');
    const auto part = i < 3 ? s.substr(0, dot) : s;
    if (i < 3 && dot == std::string_view::npos) return std::nullopt;
    const auto value = parse_decimal(part, 255);
    if (!value) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(*value);
    if (i < 3) s.remove_prefix(dot + 1);
  }
  return out;
}

std::optional<std::uint16_t> parse_hex_group(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  std::uint16_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 16);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// Parses colon-separated groups (no "::") into <out>; returns the count of
// 16-bit groups written, with an IPv4 tail counting as two.
std::optional<std::size_t> parse_groups(std::string_view s, std::uint16_t* out, std::size_t room, bool allow_v4_tail) {
  if (s.empty()) return 0;
  std::size_t n = 0;
  while (true) {
    const auto colon = s.find(':');
    const auto part = s.substr(0, colon);
    if (colon == std::string_view::npos && allow_v4_tail && part.find('.') != std::string_view::npos) {
      const auto v4 = parse_v4(part);
      if (!v4 || n + 2 > room) return std::nullopt;
      out[n++] = static_cast<std::uint16_t>((*v4)[0] << 8 | (*v4)[1]);
      out[n++] = static_cast<std::uint16_t>((*v4)[2] << 8 | (*v4)[3]);
      return n;
    }
    const auto group = parse_hex_group(part);
    if (!group || n == room) return std::nullopt;
    out[n++] = *group;
    if (colon == std::string_view::npos) return n;
    s.remove_prefix(colon + 1);
  }
}

std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view s) {
  std::uint16_t head[8]{};
  std::uint16_t tail[8]{};
  std::size_t head_n = 0;
  std::size_t tail_n = 0;
  const auto gap = s.find("::");
  if (gap == std::string_view::npos) {
    const auto n = parse_groups(s, head, 8, true);
    if (!n || *n != 8) return std::nullopt;
    head_n = 8;
  } else {
    const auto right = s.substr(gap + 2);
    if (right.find("::") != std::string_view::npos) return std::nullopt;
    const auto l = parse_groups(s.substr(0, gap), head, 7, false);
    if (!l) return std::nullopt;
    const auto r = parse_groups(right, tail, 7 - *l, true);
    if (!r) return std::nullopt;
    head_n = *l;
    tail_n = *r;
  }
  std::array<std::uint8_t, 16> out{};
  auto put = [&out](std::size_t index, std::uint16_t g) {
    out[2 * index] = static_cast<std::uint8_t>(g >> 8);
    out[2 * index + 1] = static_cast<std::uint8_t>(g & 0xff);
  };
  for (std::size_t i = 0; i < head_n; ++i) put(i, head[i]);
  for (std::size_t i = 0; i < tail_n; ++i) put(8 - tail_n + i, tail[i]);
  return out;
}

}  // namespace

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress a;
  a.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes_[3] = static_cast<std::uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::v4(std::span<const std::uint8_t, 4> bytes) {
  IpAddress a;
  std::copy(bytes.begin(), bytes.end(), a.bytes_.begin());
  return a;
}

IpAddress IpAddress::v6(std::span<const std::uint8_t, 16> bytes) {
  IpAddress a;
  a.family_ = Family::V6;
  std::copy(bytes.begin(), bytes.end(), a.bytes_.begin());
  return a;
}

IpAddress IpAddress::any(Family family) {
  IpAddress a;
  a.family_ = family;
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    const auto bytes = parse_v6(text);
    if (!bytes) return std::nullopt;
    return v6(*bytes);
  }
  const auto bytes = parse_v4(text);
  if (!bytes) return std::nullopt;
  return v4(*bytes);
}

std::uint32_t IpAddress::v4_host_order() const {
  return static_cast<std::uint32_t>(bytes_[0]) << 24 | static_cast<std::uint32_t>(bytes_[1]) << 16 |
         static_cast<std::uint32_t>(bytes_[2]) << 8 | bytes_[3];
}

bool IpAddress::is_unspecified() const {
  for (const auto b : bytes()) {
    if (b != 0) return false;
  }
  return true;
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes_[0] == 127;
  for (std::size_t i = 0; i < 15; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return bytes_[15] == 1;
}

bool IpAddress::is_multicast() const {
  return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::is_link_local() const {
  if (is_v4()) return bytes_[0] == 169 && bytes_[1] == 254;
  return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

std::string IpAddress::to_string() const {
  if (is_v4()) return fmt::format("{}.{}.{}.{}", bytes_[0], bytes_[1], bytes_[2], bytes_[3]);
  // RFC 5952 5: IPv4-mapped addresses keep the dotted quad.
  if (std::all_of(bytes_.begin(), bytes_.begin() + 10, [](std::uint8_t b) { return b == 0; }) && bytes_[10] == 0xff &&
      bytes_[11] == 0xff) {
    return fmt::format("::ffff:{}.{}.{}.{}", bytes_[12], bytes_[13], bytes_[14], bytes_[15]);
  }
  std::uint16_t g[8];
  for (std::size_t i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
  // RFC 5952 4.2: compress the longest run (>= 2) of zero groups, first wins.
  std::size_t best_start = 8, best_len = 0;
  for (std::size_t i = 0; i < 8;) {
    std::size_t j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_start = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return std::nullopt;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // v6 needs brackets
  }
  const auto port_value = parse_decimal(port, 65535);
  if (!port_value) return std::nullopt;
  Endpoint e;
  e.port = static_cast<std::uint16_t>(*port_value);
  if (host == "*") {
    e.address = IpAddress::any(Family::V4);
    return e;
  }
  const auto address = IpAddress::parse(host);
  if (!address) return std::nullopt;
  e.address = *address;
  return e;
}

Endpoint Endpoint::from_unix_path(std::string path) {
  Endpoint e;
  e.unix_path = std::move(path);
  e.unix_socket = true;
  return e;
}

std::string Endpoint::to_string() const {
  if (unix_socket) return "unix@" + unix_path;
  if (address.is_v4()) return fmt::format("{}:{}", address.to_string(), port);
  return fmt::format("[{}]:{}", address.to_string(), port);
}

std::optional<Cidr> Cidr::parse(std::string_view text, bool allow_host_bits) {
  const auto slash = text.find('/');
  const auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  const std::uint32_t max = address->is_v4() ? 32 : 128;
  std::uint32_t length = max;
  if (slash != std::string_view::npos) {
    const auto parsed = parse_decimal(text.substr(slash + 1), max);
    if (!parsed) return std::nullopt;
    length = *parsed;
  }
  Cidr c{*address, static_cast<std::uint8_t>(length)};
  if (!allow_host_bits && !c.contains(*address)) return std::nullopt;
  if (!allow_host_bits) {
    // contains() ignores host bits; require them to be zero explicitly.
    const auto bytes = address->bytes();
    for (std::size_t bit = length; bit < max; ++bit) {
      if (bytes[bit / 8] & (0x80 >> (bit % 8))) return std::nullopt;
    }
  }
  return c;
}

bool Cidr::contains(const IpAddress& address) const {
  if (address.family() != network.family()) return false;
  const auto a = address.bytes();
  const auto n = network.bytes();
  std::size_t bits = prefix_length;
  for (std::size_t i = 0; bits > 0; ++i) {
    const std::size_t take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((a[i] & mask) != (n[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

std::string Cidr::to_string() const {
  return fmt::format("{}/{}", network.to_string(), prefix_length);
}

}  // namespace common::net
