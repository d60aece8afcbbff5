// Incremental PROXY protocol decoder, v1 or v2 told apart by the first byte.
// Feed it the bytes of a connection as they arrive, in chunks of any size
// (down to one byte); it buffers only what it must (a v1 line, the v2 fixed
// part and address block) and never reads past the end of the header.
//
// Return contract of feed(bytes):
//   NeedMore  the header is not complete; every byte was absorbed
//             (consumed == bytes.size()). Call again with the next bytes.
//   Done      the header ended after <consumed> bytes of this chunk; the
//             rest of the chunk is payload. header() is now valid.
//   Error     not a valid header: <error> says why (a static string). The
//             connection should be closed; <consumed> counts the bytes
//             examined in this call, up to the offending one.
// After Done or Error, feed() returns the same status with consumed == 0.
//
// Bounds: a v1 line longer than 107 bytes (CRLF included) is an error as
// soon as its 108th byte arrives; a v2 header longer than <max_v2_length>
// as soon as its fixed part is read. TLVs are validated for framing (each
// must fit in the header) after an address block, then skipped without
// being buffered; after LOCAL or UNSPEC the whole block is skipped unread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "proxyd/core/proxy_protocol/proxy_header.h"
#include "proxyd/core/proxy_protocol/proxy_v2.h"

namespace proxyd::proxy_protocol {

struct DecodeResult {
  enum class Status { NeedMore, Done, Error };
  Status status = Status::NeedMore;
  std::size_t consumed = 0;
  std::string_view error;  // with Error only
};

class ProxyDecoder {
 public:
  explicit ProxyDecoder(std::size_t max_v2_length = kDefaultMaxV2Length) : max_v2_length_(max_v2_length) {}

  // Feeds the next bytes of the connection; see the contract above.
  DecodeResult feed(std::span<const std::uint8_t> bytes);

  // The decoded header; meaningful once feed() returned Done.
  const ProxyHeader& header() const { return header_; }

  // Bytes of the header received so far (its full length once Done).
  std::size_t header_length() const { return total_; }

 private:
  enum class Stage { Detect, V1Line, V2Fixed, V2Addresses, V2TlvHeader, V2TlvValue, V2Skip, Done, Failed };

  // Each stage takes what it needs from <bytes>, returns the count taken,
  // and moves stage_ on (Failed with error_ set on bad input).
  std::size_t detect(std::span<const std::uint8_t> bytes);
  std::size_t read_v1(std::span<const std::uint8_t> bytes);
  std::size_t read_v2_fixed(std::span<const std::uint8_t> bytes);
  std::size_t read_v2_addresses(std::span<const std::uint8_t> bytes);
  std::size_t read_tlv_header(std::span<const std::uint8_t> bytes);
  std::size_t skip(std::span<const std::uint8_t> bytes, std::size_t& left);
  std::size_t step(std::span<const std::uint8_t> bytes);

  // Copies up to <wanted> - buffered_ bytes into buffer_; returns the count.
  std::size_t gather(std::span<const std::uint8_t> bytes, std::size_t wanted);
  void start_tlvs_or_finish();
  void fail(std::string_view reason);

  std::size_t max_v2_length_;
  Stage stage_ = Stage::Detect;
  std::string_view error_;
  ProxyHeader header_;
  std::size_t total_ = 0;
  V2Prefix prefix_;
  std::size_t remaining_ = 0;      // v2: header bytes still to come after the address block
  std::size_t tlv_remaining_ = 0;  // v2: bytes left in the current TLV value
  // Large enough for the largest part buffered: a v2 unix address block.
  std::array<std::uint8_t, kV2UnixAddressLength> buffer_{};
  std::size_t buffered_ = 0;
};

}  // namespace proxyd::proxy_protocol
