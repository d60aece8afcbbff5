#include "proxyd/core/health/check_presets.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>

#include "common/core/text.h"

namespace proxyd::health {
namespace {

using common::fail;
using Steps = std::vector<TcpCheckStep>;

// A send step of raw bytes (logged as hex, as send_binary).
TcpCheckStep send_bytes(std::string bytes) {
  TcpCheckStep step;
  step.kind = TcpCheckStep::Kind::Send;
  for (const char c : bytes) step.text += fmt::format("{:02X}", static_cast<unsigned char>(c));
  step.data = std::move(bytes);
  return step;
}

Steps lines(std::initializer_list<std::string_view> script) {
  Steps steps;
  for (const auto line : script) steps.push_back(*parse_tcp_check_step(line));
  return steps;
}

void append_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void append_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// PostgreSQL's StartupMessage (protocol 3.0): length, version, then
// "user" NAME pairs ending with an empty name.
Steps pgsql(std::string_view user) {
  std::string body;
  append_be32(body, 196608);  // 3 << 16
  body += "user";
  body += '\0';
  body += user;
  body += '\0';
  body += '\0';
  std::string packet;
  append_be32(packet, static_cast<std::uint32_t>(body.size() + 4));
  packet += body;
  Steps steps{send_bytes(std::move(packet))};
  // 'R' (52), any length (SASL lists its mechanisms), an authentication
  // request code: ok, password, md5, SCM, GSS, SSPI, SASL ...
  steps.push_back(*parse_tcp_check_step("expect rbinary ^52[0-9A-F]{8}000000(00|02|03|04|05|06|07|09|0A)"));
  return steps;
}

// MySQL: the greeting is a packet of sequence 0 with protocol version 10;
// the reply to our login is packet 2, OK (00) or ERR (FF).
Steps mysql(std::string_view user, bool post41) {
  Steps steps = lines({"expect rbinary ^[0-9A-F]{6}000A"});
  if (user.empty()) return steps;
  std::string payload;
  if (post41) {
    append_le(payload, 0x00000200 | 0x00008000, 4);  // CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
    append_le(payload, 0x01000000, 4);               // max packet size
    payload += static_cast<char>(0x21);              // utf8_general_ci
    payload += std::string(23, '\0');                // reserved
  } else {
    append_le(payload, 0x0001 | 0x0200, 2);  // CLIENT_LONG_PASSWORD, the 4.0 flags
    append_le(payload, 0x00ffffff, 3);       // max packet size
  }
  payload += user;
  payload += '\0';
  payload += '\0';  // no password (an empty auth response)
  std::string packet;
  append_le(packet, static_cast<std::uint32_t>(payload.size()), 3);
  packet += static_cast<char>(1);  // sequence id
  packet += payload;
  steps.push_back(send_bytes(std::move(packet)));
  steps.push_back(*parse_tcp_check_step("expect rbinary ^[0-9A-F]{6}0200"));
  steps.push_back(send_bytes(std::string("\x01\x00\x00\x00\x01", 5)));  // COM_QUIT: a clean goodbye
  return steps;
}

// An anonymous simple bind, message 1, LDAPv3; a BindResponse with
// resultCode success (0).
Steps ldap() {
  Steps steps{send_bytes(std::string("\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x00\x80\x00", 14))};
  // BER lengths short (< 0x80) or long (0x81..0x84 and 1 to 4 bytes: Active
  // Directory's form), message 1, BindResponse (61), resultCode 0.
  steps.push_back(
      *parse_tcp_check_step("expect rbinary ^30([0-7][0-9A-F]|8[1-4]([0-9A-F]{2}){1,4})020101"
                            "61([0-7][0-9A-F]|8[1-4]([0-9A-F]{2}){1,4})0A0100"));
  return steps;
}

// A TLS 1.2 ClientHello with common suites; any TLS record back (16
// handshake, 15 alert) in a TLS version (03 0x) is a TLS stack.
Steps ssl_hello() {
  static constexpr std::array<std::uint16_t, 8> kSuites{0xc02f, 0xc030, 0xc02b, 0xc02c, 0x009e, 0x009f, 0x002f, 0x0035};
  std::string hello;
  hello += "\x03\x03";                                                // client_version TLS 1.2
  for (int i = 0; i < 32; ++i) hello += static_cast<char>(0x5a ^ i);  // random
  hello += '\0';                                                      // no session id
  hello += static_cast<char>(0);
  hello += static_cast<char>(kSuites.size() * 2);
  for (const auto suite : kSuites) {
    hello += static_cast<char>(suite >> 8);
    hello += static_cast<char>(suite & 0xff);
  }
  hello += "\x01";  // one compression method: null
  hello += '\0';
  const std::string extensions = std::string("\x00\x0d\x00\x04\x00\x02\x04\x01", 8);  // signature_algorithms
  hello += static_cast<char>(0);
  hello += static_cast<char>(extensions.size());
  hello += extensions;
  std::string handshake = "\x01";  // ClientHello
  handshake += static_cast<char>(0);
  handshake += static_cast<char>(hello.size() >> 8);
  handshake += static_cast<char>(hello.size() & 0xff);
  handshake += hello;
  std::string record = "\x16\x03\x01";
  record += static_cast<char>(handshake.size() >> 8);
  record += static_cast<char>(handshake.size() & 0xff);
  record += handshake;
  Steps steps{send_bytes(std::move(record))};
  steps.push_back(*parse_tcp_check_step("expect rbinary ^1[56]030[0-4]"));
  return steps;
}

}  // namespace

common::Result<std::optional<Steps>> preset_tcp_check(std::string_view check) {
  const auto words = common::text::split_words(check);
  if (words.empty()) return std::optional<Steps>{};
  const auto name = words[0];
  const auto args = std::span(words).subspan(1);
  const auto no_args = [&](Steps steps) -> common::Result<std::optional<Steps>> {
    if (!args.empty()) return fail("{} takes no argument", name);
    return std::optional{std::move(steps)};
  };
  if (name == "redis-check") return no_args(lines({"send PING\\r\\n", "expect string +PONG"}));
  if (name == "smtpchk") {
    return no_args(lines({"expect rstring ^2[0-9][0-9]", "send HELO localhost\\r\\n", "expect rstring ^2[0-9][0-9]"}));
  }
  if (name == "ldap-check") return no_args(ldap());
  if (name == "ssl-hello-chk") return no_args(ssl_hello());
  if (name == "pgsql-check") {
    if (args.size() != 2 || args[0] != "user") return fail("pgsql-check user NAME");
    return std::optional{pgsql(args[1])};
  }
  if (name == "mysql-check") {
    if (args.empty()) return std::optional{mysql({}, true)};
    const bool ok = (args.size() == 2 || args.size() == 3) && args[0] == "user" &&
                    (args.size() == 2 || args[2] == "post-41" || args[2] == "pre-41");
    if (!ok) return fail("mysql-check [user NAME [post-41|pre-41]]");
    return std::optional{mysql(args[1], args.size() == 2 || args[2] == "post-41")};
  }
  return std::optional<Steps>{};
}

}  // namespace proxyd::health
