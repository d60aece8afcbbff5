// PROXY protocol version 1, the text form (spec 2.1):
//   "PROXY TCP4 192.0.2.1 198.51.100.7 51234 443\r\n"
//   "PROXY TCP6 2001:db8::1 2001:db8::2 51234 443\r\n"
//   "PROXY UNKNOWN\r\n" (anything may follow UNKNOWN before the CRLF)
// Fields are separated by exactly one space. Ports are decimal without
// leading zeros or sign; addresses are in their family's usual text form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "proxyd/core/proxy_protocol/proxy_header.h"

namespace proxyd::proxy_protocol {

// Parses one v1 line, "PROXY" through the last field, without the CRLF.
// The error is a static description.
ParseResult<ProxyHeader> parse_v1_line(std::string_view line);

// The v1 header for <addresses>, CRLF included; nullopt gives "PROXY UNKNOWN".
// Mixed families are sent as TCP6 with the IPv4 side v4-mapped (::ffff:a.b.c.d).
std::string encode_v1(const std::optional<ProxyAddresses>& addresses);

}  // namespace proxyd::proxy_protocol
