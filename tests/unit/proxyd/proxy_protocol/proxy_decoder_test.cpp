#include "proxyd/core/proxy_protocol/proxy_decoder.h"

#include <catch2/catch.hpp>
#include <string>

#include "proxyd/core/proxy_protocol/proxy_encoder.h"

using namespace proxyd::proxy_protocol;
using common::net::Endpoint;
using Bytes = std::vector<std::uint8_t>;
using Status = DecodeResult::Status;

namespace {

Bytes bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

ProxyAddresses addresses(std::string_view source, std::string_view destination) {
  return {*Endpoint::parse(source), *Endpoint::parse(destination)};
}

// A v2 PROXY TCP4 header followed by <tlvs>, counted in its length.
Bytes v2_tcp4_with(const Bytes& tlvs) {
  auto header = encode({Version::V2, Command::Proxy, addresses("192.0.2.1:1000", "192.0.2.2:80")});
  const auto length = static_cast<std::uint16_t>(12 + tlvs.size());
  header[14] = static_cast<std::uint8_t>(length >> 8);
  header[15] = static_cast<std::uint8_t>(length & 0xff);
  return header + tlvs;
}

Bytes tlv(std::uint8_t type, std::size_t length) {
  Bytes out{type, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length & 0xff)};
  out.resize(3 + length, 0xab);
  return out;
}

// Feeds <input> in chunks of <chunk> bytes until a final status.
DecodeResult feed_chunked(ProxyDecoder& decoder, const Bytes& input, std::size_t chunk, std::size_t& offset) {
  offset = 0;
  DecodeResult result;
  while (offset < input.size()) {
    const auto piece = std::span(input).subspan(offset, std::min(chunk, input.size() - offset));
    result = decoder.feed(piece);
    offset += result.consumed;
    if (result.status != Status::NeedMore) return result;
  }
  return result;
}

// Decodes <input> whole and in every chunk size; all must agree.
DecodeResult decode_every_way(const Bytes& input, ProxyHeader* header = nullptr) {
  ProxyDecoder whole;
  const auto reference = whole.feed(input);
  for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
    ProxyDecoder decoder;
    std::size_t offset = 0;
    const auto result = feed_chunked(decoder, input, chunk, offset);
    CAPTURE(chunk);
    REQUIRE(result.status == reference.status);
    CHECK(result.error == reference.error);
    if (result.status == Status::Done) {
      CHECK(offset == reference.consumed);  // the same header length however it arrived
      CHECK(decoder.header() == whole.header());
    }
  }
  if (header) *header = whole.header();
  return reference;
}

}  // namespace

TEST_CASE("a v1 header is decoded and the payload left alone", "[proxyd][proxy_protocol][decoder]") {
  const auto line = bytes_of("PROXY TCP4 192.0.2.1 198.51.100.7 51234 443\r\n");
  ProxyHeader header;
  const auto result = decode_every_way(line + bytes_of("GET / HTTP/1.0\r\n\r\n"), &header);
  CHECK(result.status == Status::Done);
  CHECK(result.consumed == line.size());
  CHECK(header.version == Version::V1);
  CHECK(header.addresses == addresses("192.0.2.1:51234", "198.51.100.7:443"));
}

TEST_CASE("a header fed byte by byte needs more until its last byte", "[proxyd][proxy_protocol][decoder]") {
  const auto line = bytes_of("PROXY UNKNOWN\r\n");
  ProxyDecoder decoder;
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    const auto r = decoder.feed(std::span(line).subspan(i, 1));
    CHECK(r.status == Status::NeedMore);
    CHECK(r.consumed == 1);
  }
  CHECK(decoder.feed({}).status == Status::NeedMore);
  const auto last = decoder.feed(std::span(line).subspan(line.size() - 1));
  CHECK(last.status == Status::Done);
  CHECK(last.consumed == 1);
  CHECK(decoder.header_length() == line.size());
  CHECK(decoder.header().addresses == std::nullopt);
  // Done is final.
  const auto again = decoder.feed(line);
  CHECK(again.status == Status::Done);
  CHECK(again.consumed == 0);
}

TEST_CASE("a v1 header may be 107 bytes, not 108", "[proxyd][proxy_protocol][decoder]") {
  std::string line = "PROXY UNKNOWN ";
  line.append(kV1MaxLength - line.size() - 2, 'x');
  line += "\r\n";
  REQUIRE(line.size() == 107);
  CHECK(decode_every_way(bytes_of(line)).status == Status::Done);

  std::string longer = "PROXY UNKNOWN ";
  longer.append(200, 'x');
  ProxyDecoder decoder;
  const auto result = decoder.feed(bytes_of(longer));
  CHECK(result.status == Status::Error);
  CHECK(result.error == "v1: header longer than 107 bytes");
  CHECK(result.consumed == 108);  // fails as soon as the 108th byte arrives
}

TEST_CASE("v1 errors: other protocols, bare LF, bad fields", "[proxyd][proxy_protocol][decoder]") {
  const auto http = decode_every_way(bytes_of("GET / HTTP/1.1\r\n"));
  CHECK(http.status == Status::Error);
  CHECK(http.error == "not a PROXY protocol header");
  CHECK(http.consumed == 1);
  const auto post = decode_every_way(bytes_of("POST / HTTP/1.1\r\n"));
  CHECK(post.error == "not a PROXY protocol header");
  CHECK(post.consumed == 2);  // P matches, O does not
  CHECK(decode_every_way(bytes_of("PROXY UNKNOWN\n")).error == "v1: line not terminated by CRLF");
  CHECK(decode_every_way(bytes_of("PROXY TCP4 1.2.3.4 1.2.3.5 1 99999\r\n")).error == "v1: bad port");
  CHECK(decode_every_way(bytes_of("PROXY\r\n")).error == "not a PROXY protocol header");
}

TEST_CASE("a v2 header is decoded and the payload left alone", "[proxyd][proxy_protocol][decoder]") {
  const auto header_bytes = encode({Version::V2, Command::Proxy, addresses("[2001:db8::1]:1", "[2001:db8::2]:2")});
  ProxyHeader header;
  const auto result = decode_every_way(header_bytes + bytes_of("payload"), &header);
  CHECK(result.status == Status::Done);
  CHECK(result.consumed == 16 + 36);
  CHECK(header == ProxyHeader{Version::V2, Command::Proxy, addresses("[2001:db8::1]:1", "[2001:db8::2]:2")});
}

TEST_CASE("v2 TLVs are skipped", "[proxyd][proxy_protocol][decoder]") {
  const auto input = v2_tcp4_with(tlv(0x04, 5) + tlv(0x01, 0) + tlv(0x20, 300));
  ProxyHeader header;
  const auto result = decode_every_way(input + bytes_of("\x16\x03\x01"), &header);
  CHECK(result.status == Status::Done);
  CHECK(result.consumed == input.size());
  CHECK(header.addresses == addresses("192.0.2.1:1000", "192.0.2.2:80"));
}

TEST_CASE("v2 TLVs that do not fit the header are errors", "[proxyd][proxy_protocol][decoder]") {
  auto overrun = v2_tcp4_with(tlv(0x04, 5));
  overrun[16 + 12 + 2] = 6;  // the TLV claims one byte more than there is
  CHECK(decode_every_way(overrun + bytes_of("xx")).error == "v2: TLV longer than the header");
  const auto truncated = v2_tcp4_with(Bytes{0x04, 0x00});  // two bytes cannot hold a TLV header
  CHECK(decode_every_way(truncated).error == "v2: truncated TLV");
}

TEST_CASE("v2 LOCAL and UNSPEC skip their block, unix keeps the real addresses", "[proxyd][proxy_protocol][decoder]") {
  Bytes local = encode({Version::V2, Command::Local, std::nullopt});
  local[15] = 4;
  local = local + Bytes{1, 2, 3, 4};  // not even a valid TLV: LOCAL's block is not read
  ProxyHeader header;
  auto result = decode_every_way(local + Bytes{9}, &header);
  CHECK(result.status == Status::Done);
  CHECK(result.consumed == 20);
  CHECK(header == ProxyHeader{Version::V2, Command::Local, std::nullopt});

  Bytes unix_header(kV2Signature.begin(), kV2Signature.end());
  unix_header = unix_header + Bytes{0x21, kV2UnixStream, 0, 216} + Bytes(216, 'u');
  result = decode_every_way(unix_header, &header);
  CHECK(result.status == Status::Done);
  CHECK(result.consumed == 232);
  CHECK(header == ProxyHeader{Version::V2, Command::Proxy, std::nullopt});
}

TEST_CASE("v2 errors: signature, version, limits", "[proxyd][proxy_protocol][decoder]") {
  const auto not_v2 = decode_every_way(Bytes{0x0d, 0x0a, 0x0d, 0x0a, 'X', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(not_v2.error == "not a PROXY protocol header");
  CHECK(not_v2.consumed == 5);  // fails at the first wrong byte

  auto v3 = encode({Version::V2, Command::Proxy, std::nullopt});
  v3[12] = 0x31;
  CHECK(decode_every_way(v3).error == "v2: unsupported version");

  const auto big = v2_tcp4_with(tlv(0x04, 100));  // 16 + 12 + 103 = 131 bytes
  ProxyDecoder small(130);
  const auto refused = small.feed(big);
  CHECK(refused.status == Status::Error);
  CHECK(refused.error == "v2: header longer than the configured limit");
  CHECK(refused.consumed == 16);  // known from the fixed part alone
  ProxyDecoder exact(131);
  CHECK(exact.feed(big).status == Status::Done);
  // Error is final.
  const auto again = small.feed(big);
  CHECK(again.status == Status::Error);
  CHECK(again.consumed == 0);
}

TEST_CASE("the largest v2 header by the protocol decodes with a large enough limit",
          "[proxyd][proxy_protocol][decoder]") {
  const auto input = v2_tcp4_with(tlv(0x04, 65535 - 12 - 3));
  ProxyDecoder decoder(kV2FixedLength + 65535);
  const auto result = decoder.feed(input);
  CHECK(result.status == Status::Done);
  CHECK(result.consumed == kV2FixedLength + 65535);
  ProxyDecoder default_limit;
  CHECK(default_limit.feed(input).status == Status::Error);
}

TEST_CASE("what the encoder writes the decoder reads back", "[proxyd][proxy_protocol][decoder]") {
  const std::vector<ProxyHeader> headers{
      {Version::V1, Command::Proxy, addresses("192.0.2.1:51234", "198.51.100.7:443")},
      {Version::V1, Command::Proxy, addresses("[2001:db8::1]:1", "[2001:db8::2]:65535")},
      {Version::V1, Command::Proxy, std::nullopt},
      {Version::V2, Command::Proxy, addresses("192.0.2.1:0", "198.51.100.7:443")},
      {Version::V2, Command::Proxy, addresses("[::]:1", "[ffff::1]:2")},
      {Version::V2, Command::Proxy, std::nullopt},
      {Version::V2, Command::Local, std::nullopt},
  };
  for (const auto& h : headers) {
    ProxyHeader decoded;
    const auto bytes = encode(h);
    REQUIRE(decode_every_way(bytes, &decoded).status == Status::Done);
    CHECK(decoded == h);
  }
  // v1 has no LOCAL: it is sent as UNKNOWN.
  CHECK(encode({Version::V1, Command::Local, addresses("192.0.2.1:1", "192.0.2.2:2")}) ==
        bytes_of("PROXY UNKNOWN\r\n"));
}
