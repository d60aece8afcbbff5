#include "proxyd/core/tls/client_hello.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace proxyd::tls;
using Bytes = std::vector<std::uint8_t>;
using Status = HelloResult::Status;

namespace {

Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes u16(std::size_t value) {
  return {static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value & 0xff)};
}

Bytes u24(std::size_t value) {
  return {static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>((value >> 8) & 0xff),
          static_cast<std::uint8_t>(value & 0xff)};
}

Bytes text(std::string_view s) {
  return {s.begin(), s.end()};
}

Bytes extension(std::uint16_t type, const Bytes& data) {
  return u16(type) + u16(data.size()) + data;
}

Bytes sni_extension(std::string_view name) {
  const Bytes entry = Bytes{0} + u16(name.size()) + text(name);
  return extension(0, u16(entry.size()) + entry);
}

Bytes alpn_extension(const std::vector<std::string>& protocols) {
  Bytes list;
  for (const auto& p : protocols) list = list + Bytes{static_cast<std::uint8_t>(p.size())} + text(p);
  return extension(16, u16(list.size()) + list);
}

// A ClientHello handshake message (header included) carrying <extensions>.
Bytes hello_message(const Bytes& extensions, bool with_extensions_block = true) {
  Bytes body = {0x03, 0x03};
  body.resize(2 + 32, 0x5a);                                         // random
  body = body + Bytes{32} + Bytes(32, 0x11);                         // session id
  body = body + u16(6) + Bytes{0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f};  // cipher suites
  body = body + Bytes{1, 0};                                         // compression: null
  if (with_extensions_block) body = body + u16(extensions.size()) + extensions;
  return Bytes{1} + u24(body.size()) + body;
}

// <message> cut into records of at most <record_size> bytes.
Bytes records(const Bytes& message, std::size_t record_size = 16384) {
  Bytes out;
  for (std::size_t at = 0; at < message.size(); at += record_size) {
    const auto n = std::min(record_size, message.size() - at);
    out = out + Bytes{22, 0x03, 0x01} + u16(n);
    out.insert(out.end(), message.begin() + static_cast<std::ptrdiff_t>(at),
               message.begin() + static_cast<std::ptrdiff_t>(at + n));
  }
  return out;
}

// A hello captured from `openssl s_client` (tests/fuzz/corpus/client_hello).
Bytes captured(const std::string& name) {
  std::ifstream in(std::string(HAPAIR_SOURCE_DIR) + "/tests/fuzz/corpus/client_hello/" + name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

HelloResult parse(const Bytes& bytes, ClientHello& hello) {
  return parse_client_hello(bytes, hello);
}

// A typical hello: a supported_versions extension, SNI and ALPN.
Bytes typical_hello() {
  const Bytes supported_versions = extension(43, Bytes{4, 0x03, 0x04, 0x03, 0x03});
  return records(
      hello_message(supported_versions + sni_extension("WWW.Example.ORG") + alpn_extension({"h2", "http/1.1"})));
}

}  // namespace

TEST_CASE("client hello: SNI and ALPN are extracted, the name lower-cased", "[tls]") {
  ClientHello hello;
  const auto result = parse(typical_hello(), hello);
  REQUIRE(result.status == Status::Done);
  CHECK(result.error.empty());
  CHECK(hello.legacy_version == 0x0303);
  CHECK(hello.server_name == "www.example.org");
  CHECK(hello.alpn == std::vector<std::string>{"h2", "http/1.1"});
}

TEST_CASE("client hello: a hand-written TLS 1.0 hello without SNI", "[tls]") {
  // Record 0x0301, hello 0x0301, no session id, one suite, no extensions.
  Bytes bytes = {22, 0x03, 0x01, 0x00, 0x2d, 1, 0x00, 0x00, 0x29, 0x03, 0x01};
  bytes.resize(bytes.size() + 32, 0x42);
  bytes = bytes + Bytes{0x00, 0x00, 0x02, 0x00, 0x2f, 0x01, 0x00};
  ClientHello hello;
  REQUIRE(parse(bytes, hello).status == Status::Done);
  CHECK(hello.legacy_version == 0x0301);
  CHECK(hello.server_name.empty());
  CHECK(hello.alpn.empty());
}

TEST_CASE("client hello: no SNI, ALPN only, or an empty extensions block", "[tls]") {
  ClientHello hello;
  REQUIRE(parse(records(hello_message(alpn_extension({"http/1.1"}))), hello).status == Status::Done);
  CHECK(hello.server_name.empty());
  CHECK(hello.alpn == std::vector<std::string>{"http/1.1"});
  REQUIRE(parse(records(hello_message({})), hello).status == Status::Done);
  CHECK(hello.alpn.empty());
}

TEST_CASE("client hello: server_name entries of other types are skipped", "[tls]") {
  const Bytes entries = Bytes{7} + u16(3) + text("abc") + Bytes{0} + u16(5) + text("a.org");
  ClientHello hello;
  REQUIRE(parse(records(hello_message(extension(0, u16(entries.size()) + entries))), hello).status == Status::Done);
  CHECK(hello.server_name == "a.org");
}

TEST_CASE("client hello: a hello spanning several records is reassembled", "[tls]") {
  const auto message = hello_message(sni_extension("split.example.org") + alpn_extension({"h2"}));
  for (const std::size_t size : {1u, 2u, 3u, 5u, 17u, 100u}) {
    ClientHello hello;
    const auto result = parse(records(message, size), hello);
    REQUIRE(result.status == Status::Done);
    CHECK(hello.server_name == "split.example.org");
    CHECK(hello.alpn == std::vector<std::string>{"h2"});
  }
}

TEST_CASE("client hello: every strict prefix asks for more", "[tls]") {
  for (const auto& bytes : {typical_hello(), records(hello_message(sni_extension("a.b")), 7)}) {
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      ClientHello hello;
      const auto result = parse_client_hello(std::span(bytes).first(n), hello);
      INFO("prefix " << n);
      REQUIRE(result.status == Status::NeedMore);
    }
  }
}

TEST_CASE("client hello: bytes after the hello are ignored", "[tls]") {
  ClientHello hello;
  CHECK(parse(typical_hello() + Bytes{20, 3, 3, 0, 1, 1}, hello).status == Status::Done);
}

TEST_CASE("client hello: not TLS is an error at once", "[tls]") {
  ClientHello hello;
  for (const auto* input : {"GET / HTTP/1.1\r\n", "G", "\x16\x02", "\x16\x03\x05", "SSH-2.0-OpenSSH"}) {
    INFO(input);
    const auto result = parse(text(input), hello);
    CHECK(result.status == Status::Error);
    CHECK_FALSE(result.error.empty());
  }
  // A handshake record holding a ServerHello (type 2).
  CHECK(parse(Bytes{22, 3, 3, 0, 4, 2, 0, 0, 0}, hello).status == Status::Error);
  // An alert record in the middle of a split hello.
  const auto split = records(hello_message(sni_extension("x.org")), 10);
  auto broken = Bytes(split.begin(), split.begin() + 15) + Bytes{21, 3, 3, 0, 2, 2, 40};
  CHECK(parse(broken, hello).status == Status::Error);
}

TEST_CASE("client hello: oversized or inconsistent lengths are errors", "[tls]") {
  ClientHello hello;
  SECTION("record longer than 2^14") {
    CHECK(parse(Bytes{22, 3, 1, 0x40, 0x01}, hello).status == Status::Error);
  }
  SECTION("empty record") {
    CHECK(parse(Bytes{22, 3, 1, 0, 0}, hello).status == Status::Error);
  }
  SECTION("handshake longer than the limit") {
    CHECK(parse(Bytes{22, 3, 1, 0, 4, 1, 0x01, 0x00, 0x00}, hello).status == Status::Error);
  }
  SECTION("session id longer than 32") {
    auto message = hello_message({});
    message[4 + 2 + 32] = 33;
    CHECK(parse(records(message), hello).status == Status::Error);
  }
  SECTION("extensions block longer than the message") {
    auto message = hello_message(sni_extension("a.org"));
    const auto at = message.size() - sni_extension("a.org").size() - 2;
    message[at] = 0x7f;
    CHECK(parse(records(message), hello).status == Status::Error);
  }
  SECTION("extension data longer than its block") {
    auto ext = sni_extension("a.org");
    ext[3] = static_cast<std::uint8_t>(ext[3] + 1);
    CHECK(parse(records(hello_message(ext)), hello).status == Status::Error);
  }
  SECTION("server name longer than its list") {
    auto ext = sni_extension("a.org");
    ext[8] = 0x20;
    CHECK(parse(records(hello_message(ext)), hello).status == Status::Error);
  }
  SECTION("ALPN name running past its list") {
    auto ext = alpn_extension({"h2"});
    ext[6] = 9;
    CHECK(parse(records(hello_message(ext)), hello).status == Status::Error);
  }
  SECTION("empty ALPN name") {
    CHECK(parse(records(hello_message(alpn_extension({""}))), hello).status == Status::Error);
  }
  SECTION("odd cipher suites length") {
    auto message = hello_message({});
    message[4 + 2 + 32 + 1 + 32 + 1] = 5;
    CHECK(parse(records(message), hello).status == Status::Error);
  }
  SECTION("duplicate server_name") {
    CHECK(parse(records(hello_message(sni_extension("a.org") + sni_extension("b.org"))), hello).status ==
          Status::Error);
  }
  SECTION("control character in the name") {
    CHECK(parse(records(hello_message(sni_extension("a\nb.org"))), hello).status == Status::Error);
  }
  CHECK(hello.server_name.empty());
}

TEST_CASE("client hello: hellos captured from openssl s_client", "[tls]") {
  ClientHello hello;
  REQUIRE(parse(captured("openssl_sni_alpn"), hello).status == Status::Done);
  CHECK(hello.server_name == "example.org");
  CHECK(hello.alpn == std::vector<std::string>{"h2", "http/1.1"});
  REQUIRE(parse(captured("openssl_tls12_only"), hello).status == Status::Done);
  CHECK(hello.server_name == "www.example.org");
  CHECK(hello.alpn.empty());
  REQUIRE(parse(captured("openssl_no_sni"), hello).status == Status::Done);
  CHECK(hello.server_name.empty());
  REQUIRE(parse(captured("openssl_tls13_only"), hello).status == Status::Done);
  CHECK(hello.server_name == "mixed.case.example.org");
  CHECK(hello.alpn == std::vector<std::string>{"h2"});
  REQUIRE(parse(captured("split_records_64"), hello).status == Status::Done);
  CHECK(hello.server_name == "example.org");
  CHECK(parse(captured("truncated_100"), hello).status == Status::NeedMore);
  CHECK(parse(captured("invalid_sslv2_hello"), hello).status == Status::Error);
}
