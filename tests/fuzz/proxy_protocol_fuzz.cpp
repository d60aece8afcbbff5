// PROXY protocol decoder and encoder: never crash or read out of bounds;
// decoding all at once and byte by byte must agree; whatever decodes
// re-encodes to the same header; and any header built from the input
// survives an encode/decode round trip.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proxyd/core/proxy_protocol/proxy_decoder.h"
#include "proxyd/core/proxy_protocol/proxy_encoder.h"

namespace {

using namespace proxyd::proxy_protocol;
using Status = DecodeResult::Status;

void require(bool condition) {
  if (!condition) std::abort();
}

// Decodes <input> in one call.
DecodeResult decode(std::span<const std::uint8_t> input, ProxyDecoder& decoder) {
  const auto result = decoder.feed(input);
  require(result.consumed <= input.size());
  require(result.status != Status::NeedMore || result.consumed == input.size());
  return result;
}

// Decodes <input> one byte at a time; <used> gets the bytes consumed.
DecodeResult decode_bytewise(std::span<const std::uint8_t> input, ProxyDecoder& decoder, std::size_t& used) {
  DecodeResult result;
  used = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    result = decoder.feed(input.subspan(i, 1));
    used += result.consumed;
    if (result.status != Status::NeedMore) break;
    require(result.consumed == 1);
  }
  return result;
}

// The header <header> decodes to after encoding (v1 cannot say LOCAL).
ProxyHeader expected_round_trip(ProxyHeader header) {
  if (header.command == Command::Local) header.addresses.reset();
  if (header.version == Version::V1) header.command = Command::Proxy;
  if (header.addresses) header.addresses = with_common_family(*header.addresses);
  return header;
}

void check_round_trip(const ProxyHeader& header) {
  const auto bytes = encode(header);
  ProxyDecoder decoder;
  const auto result = decoder.feed(bytes);
  require(result.status == Status::Done && result.consumed == bytes.size());
  require(decoder.header() == expected_round_trip(header));
}

common::net::IpAddress address_from(std::span<const std::uint8_t> bytes, bool v6) {
  std::array<std::uint8_t, 16> raw{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), raw.size()), raw.begin());
  return v6 ? common::net::IpAddress::v6(raw) : common::net::IpAddress::v4(std::span(raw).first<4>());
}

// A header chosen by the input: flags byte, then address and port bytes.
ProxyHeader header_from(std::span<const std::uint8_t> input) {
  const std::uint8_t flags = input[0];
  std::array<std::uint8_t, 36> raw{};
  std::copy_n(input.begin() + 1, std::min(input.size() - 1, raw.size()), raw.begin());
  ProxyHeader header{(flags & 1) ? Version::V2 : Version::V1, (flags & 2) ? Command::Local : Command::Proxy, {}};
  if (flags & 4) {
    const auto port = [&raw](std::size_t at) { return static_cast<std::uint16_t>((raw[at] << 8) | raw[at + 1]); };
    header.addresses = ProxyAddresses{{address_from(std::span(raw).subspan(0, 16), (flags & 8) != 0), port(32)},
                                      {address_from(std::span(raw).subspan(16, 16), (flags & 16) != 0), port(34)}};
  }
  return header;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  ProxyDecoder whole;
  const auto at_once = decode(input, whole);
  ProxyDecoder bytewise;
  std::size_t used = 0;
  const auto one_by_one = decode_bytewise(input, bytewise, used);
  require(at_once.status == one_by_one.status);
  require(at_once.error == one_by_one.error);
  if (at_once.status == Status::Done) {
    require(at_once.consumed == used && whole.header_length() == used);
    require(whole.header() == bytewise.header());
    check_round_trip(whole.header());  // a decoded header is already canonical
    require(expected_round_trip(whole.header()) == whole.header());
  }
  if (size > 0) check_round_trip(header_from(input));
  return 0;
}
