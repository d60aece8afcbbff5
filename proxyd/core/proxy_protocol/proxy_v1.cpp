#include "proxyd/core/proxy_protocol/proxy_v1.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace proxyd::proxy_protocol {
namespace {

using common::net::Endpoint;
using common::net::Family;
using common::net::IpAddress;

constexpr std::string_view kPrefix = "PROXY ";

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // one spelling per port
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// Splits <text> on single spaces into exactly <out>.size() non-empty fields.
bool split_fields(std::string_view text, std::span<std::string_view> out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto space = text.find(' ');
    const bool last = i + 1 == out.size();
    if (last != (space == std::string_view::npos)) return false;
    out[i] = text.substr(0, space);
    if (out[i].empty()) return false;
    if (!last) text.remove_prefix(space + 1);
  }
  return true;
}

ParseResult<ProxyAddresses> parse_addresses(std::string_view fields, Family family) {
  std::array<std::string_view, 4> field;
  if (!split_fields(fields, field)) return parse_error("v1: expected source, destination and two ports");
  const auto source = IpAddress::parse(field[0]);
  const auto destination = IpAddress::parse(field[1]);
  if (!source || !destination) return parse_error("v1: bad address");
  if (source->family() != family || destination->family() != family) {
    return parse_error("v1: address does not match the protocol");
  }
  const auto source_port = parse_port(field[2]);
  const auto destination_port = parse_port(field[3]);
  if (!source_port || !destination_port) return parse_error("v1: bad port");
  return ProxyAddresses{Endpoint{*source, *source_port}, Endpoint{*destination, *destination_port}};
}

}  // namespace

ParseResult<ProxyHeader> parse_v1_line(std::string_view line) {
  if (!line.starts_with(kPrefix)) return parse_error("not a PROXY protocol header");
  line.remove_prefix(kPrefix.size());
  ProxyHeader header{Version::V1, Command::Proxy, std::nullopt};
  // UNKNOWN: the receiver ignores the rest of the line (spec 2.1).
  if (line == "UNKNOWN" || line.starts_with("UNKNOWN ")) return header;
  const auto space = line.find(' ');
  const auto protocol = line.substr(0, space);
  Family family{};
  if (protocol == "TCP4") {
    family = Family::V4;
  } else if (protocol == "TCP6") {
    family = Family::V6;
  } else {
    return parse_error("v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)");
  }
  if (space == std::string_view::npos) return parse_error("v1: expected source, destination and two ports");
  auto addresses = parse_addresses(line.substr(space + 1), family);
  if (!addresses) return parse_error(addresses.error());
  header.addresses = *addresses;
  return header;
}

std::string encode_v1(const std::optional<ProxyAddresses>& addresses) {
  if (!addresses) return "PROXY UNKNOWN\r\n";
  const auto a = with_common_family(*addresses);
  return fmt::format("PROXY {} {} {} {} {}\r\n", a.source.address.is_v4() ? "TCP4" : "TCP6",
                     a.source.address.to_string(), a.destination.address.to_string(), a.source.port,
                     a.destination.port);
}

}  // namespace proxyd::proxy_protocol
