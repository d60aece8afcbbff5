#include "proxyd/core/proxy_protocol/proxy_decoder.h"

#include <algorithm>
#include <string_view>

#include "proxyd/core/proxy_protocol/proxy_v1.h"

namespace proxyd::proxy_protocol {
namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::string_view kNotProxy = "not a PROXY protocol header";
static_assert(kV1MaxLength <= kV2UnixAddressLength && kV2FixedLength <= kV2UnixAddressLength);

}  // namespace

DecodeResult ProxyDecoder::feed(std::span<const std::uint8_t> bytes) {
  using Status = DecodeResult::Status;
  if (stage_ == Stage::Done) return {Status::Done, 0, {}};
  if (stage_ == Stage::Failed) return {Status::Error, 0, error_};
  std::size_t used = 0;
  while (used < bytes.size()) {
    const std::size_t taken = step(bytes.subspan(used));
    used += taken;
    total_ += taken;
    if (stage_ == Stage::Done) return {Status::Done, used, {}};
    if (stage_ == Stage::Failed) return {Status::Error, used, error_};
  }
  return {Status::NeedMore, used, {}};
}

std::size_t ProxyDecoder::step(std::span<const std::uint8_t> bytes) {
  switch (stage_) {
    case Stage::Detect:
      return detect(bytes);
    case Stage::V1Line:
      return read_v1(bytes);
    case Stage::V2Fixed:
      return read_v2_fixed(bytes);
    case Stage::V2Addresses:
      return read_v2_addresses(bytes);
    case Stage::V2TlvHeader:
      return read_tlv_header(bytes);
    case Stage::V2TlvValue:
      return skip(bytes, tlv_remaining_);
    case Stage::V2Skip:
      return skip(bytes, remaining_);
    case Stage::Done:
    case Stage::Failed:
      return 0;
  }
  return 0;
}

std::size_t ProxyDecoder::detect(std::span<const std::uint8_t> bytes) {
  if (bytes[0] == static_cast<std::uint8_t>(kV1Prefix[0])) {
    stage_ = Stage::V1Line;
  } else if (bytes[0] == kV2Signature[0]) {
    stage_ = Stage::V2Fixed;
  } else {
    fail(kNotProxy);
    return 1;
  }
  return 0;  // the byte is read again by the stage chosen
}

std::size_t ProxyDecoder::read_v1(std::span<const std::uint8_t> bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::uint8_t byte = bytes[i];
    if (buffered_ == kV1MaxLength) {
      fail("v1: header longer than 107 bytes");
      return i + 1;
    }
    // Check the prefix byte by byte, so that other protocols fail at once.
    if (buffered_ < kV1Prefix.size() && byte != static_cast<std::uint8_t>(kV1Prefix[buffered_])) {
      fail(kNotProxy);
      return i + 1;
    }
    buffer_[buffered_++] = byte;
    if (byte != '\n') continue;
    if (buffered_ < 2 || buffer_[buffered_ - 2] != '\r') {
      fail("v1: line not terminated by CRLF");
    } else {
      const std::string_view line(reinterpret_cast<const char*>(buffer_.data()), buffered_ - 2);
      auto parsed = parse_v1_line(line);
      if (parsed) {
        header_ = *parsed;
        stage_ = Stage::Done;
      } else {
        fail(parsed.error());
      }
    }
    return i + 1;
  }
  return bytes.size();
}

std::size_t ProxyDecoder::read_v2_fixed(std::span<const std::uint8_t> bytes) {
  const std::size_t start = buffered_;
  const std::size_t taken = gather(bytes, kV2FixedLength);
  // Check the signature as it arrives, so that other protocols fail at once.
  for (std::size_t i = start; i < buffered_ && i < kV2Signature.size(); ++i) {
    if (buffer_[i] != kV2Signature[i]) {
      fail(kNotProxy);
      return i - start + 1;
    }
  }
  if (buffered_ < kV2FixedLength) return taken;
  auto prefix = parse_v2_prefix(std::span<const std::uint8_t, kV2FixedLength>(buffer_.data(), kV2FixedLength));
  if (!prefix) {
    fail(prefix.error());
  } else if (kV2FixedLength + prefix->length > max_v2_length_) {
    fail("v2: header longer than the configured limit");
  } else {
    prefix_ = *prefix;
    header_ = ProxyHeader{Version::V2, prefix_.command, std::nullopt};
    remaining_ = prefix_.length - prefix_.address_length;
    buffered_ = 0;
    if (prefix_.address_length > 0) {
      stage_ = Stage::V2Addresses;
    } else {
      stage_ = remaining_ == 0 ? Stage::Done : Stage::V2Skip;  // LOCAL or UNSPEC: nothing to read
    }
  }
  return taken;
}

std::size_t ProxyDecoder::read_v2_addresses(std::span<const std::uint8_t> bytes) {
  const std::size_t taken = gather(bytes, prefix_.address_length);
  if (buffered_ < prefix_.address_length) return taken;
  header_.addresses = parse_v2_addresses(prefix_, std::span(buffer_.data(), buffered_));
  buffered_ = 0;
  start_tlvs_or_finish();
  return taken;
}

std::size_t ProxyDecoder::read_tlv_header(std::span<const std::uint8_t> bytes) {
  const std::size_t taken = gather(bytes, kV2TlvHeaderLength);
  if (buffered_ < kV2TlvHeaderLength) return taken;
  remaining_ -= kV2TlvHeaderLength;
  tlv_remaining_ = static_cast<std::size_t>((buffer_[1] << 8) | buffer_[2]);
  buffered_ = 0;
  if (tlv_remaining_ > remaining_) {
    fail("v2: TLV longer than the header");
    return taken;
  }
  remaining_ -= tlv_remaining_;
  stage_ = Stage::V2TlvValue;
  if (tlv_remaining_ == 0) start_tlvs_or_finish();
  return taken;
}

std::size_t ProxyDecoder::skip(std::span<const std::uint8_t> bytes, std::size_t& left) {
  const std::size_t taken = std::min(left, bytes.size());
  left -= taken;
  if (left == 0) {
    // The TLV value done: another TLV or the end. The blind skip: the end.
    if (stage_ == Stage::V2TlvValue) {
      start_tlvs_or_finish();
    } else {
      stage_ = Stage::Done;
    }
  }
  return taken;
}

std::size_t ProxyDecoder::gather(std::span<const std::uint8_t> bytes, std::size_t wanted) {
  const std::size_t taken = std::min(wanted - buffered_, bytes.size());
  std::copy_n(bytes.begin(), taken, buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_));
  buffered_ += taken;
  return taken;
}

void ProxyDecoder::start_tlvs_or_finish() {
  if (remaining_ == 0) {
    stage_ = Stage::Done;
  } else if (remaining_ < kV2TlvHeaderLength) {
    fail("v2: truncated TLV");  // known before its bytes arrive
  } else {
    stage_ = Stage::V2TlvHeader;
  }
}

void ProxyDecoder::fail(std::string_view reason) {
  stage_ = Stage::Failed;
  error_ = reason;
}

}  // namespace proxyd::proxy_protocol
