// ClientHello reader (RFC 8446 4.1.2, RFC 5246 7.4.1.2, RFC 6066 3 for
// server_name, RFC 7301 3.1 for ALPN). Two passes: first the record layer
// (RFC 8446 5.1) is peeled off and the handshake bytes reassembled, then
// the complete hello is decoded. Every length is checked against what
// encloses it, so no read leaves <bytes>.
#include "proxyd/core/tls/client_hello.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "common/core/text.h"

namespace proxyd::tls {

namespace {

using Status = HelloResult::Status;

constexpr std::uint8_t kContentHandshake = 22;
constexpr std::uint8_t kHandshakeClientHello = 1;
constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kHandshakeHeader = 4;
constexpr std::size_t kMaxRecordPayload = 16 * 1024;  // 2^14 (RFC 8446 5.1)
constexpr std::uint16_t kExtensionServerName = 0;
constexpr std::uint16_t kExtensionAlpn = 16;
constexpr std::uint8_t kNameTypeHostName = 0;

HelloResult need_more() {
  return {Status::NeedMore, {}};
}

HelloResult error(std::string_view why) {
  return {Status::Error, why};
}

// Bounds-checked big-endian reader over a span.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool empty() const { return remaining() == 0; }

  std::optional<std::uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return bytes_[pos_++];
  }
  std::optional<std::uint16_t> u16() {
    if (remaining() < 2) return std::nullopt;
    const auto value = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return value;
  }
  std::optional<std::span<const std::uint8_t>> take(std::size_t count) {
    if (remaining() < count) return std::nullopt;
    const auto out = bytes_.subspan(pos_, count);
    pos_ += count;
    return out;
  }
  // A vector with a one- or two-byte length prefix.
  std::optional<std::span<const std::uint8_t>> vector8() {
    const auto length = u8();
    return length ? take(*length) : std::nullopt;
  }
  std::optional<std::span<const std::uint8_t>> vector16() {
    const auto length = u16();
    return length ? take(*length) : std::nullopt;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

// Checks what is present of a record header; NeedMore when it is a valid
// prefix. <payload_length> is set once the whole header is there.
HelloResult check_record_header(std::span<const std::uint8_t> header, std::size_t& payload_length) {
  if (!header.empty() && header[0] != kContentHandshake) return error("not a TLS handshake record");
  if (header.size() > 1 && header[1] != 3) return error("not a TLS record version");
  if (header.size() > 2 && (header[2] < 1 || header[2] > 4)) return error("unsupported TLS record version");
  if (header.size() < kRecordHeader) return need_more();
  payload_length = static_cast<std::size_t>((header[3] << 8) | header[4]);
  if (payload_length == 0) return error("empty handshake record");
  if (payload_length > kMaxRecordPayload) return error("TLS record too long");
  return {Status::Done, {}};
}

// Checks the handshake header as soon as its bytes are there.
HelloResult check_handshake_header(const std::vector<std::uint8_t>& handshake) {
  if (!handshake.empty() && handshake[0] != kHandshakeClientHello) return error("not a ClientHello");
  if (handshake.size() < kHandshakeHeader) return need_more();
  const std::size_t length =
      (static_cast<std::size_t>(handshake[1]) << 16) | (static_cast<std::size_t>(handshake[2]) << 8) | handshake[3];
  if (length + kHandshakeHeader > kMaxClientHello) return error("ClientHello too long");
  if (handshake.size() < length + kHandshakeHeader) return need_more();
  return {Status::Done, {}};
}

// Reassembles the ClientHello message (header included) from the records
// at the start of <bytes>: Done when <handshake> holds all of it.
HelloResult reassemble(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& handshake) {
  Reader records(bytes);
  while (true) {
    std::size_t payload_length = 0;
    const auto header = records.take(std::min(kRecordHeader, records.remaining()));
    const auto record = check_record_header(*header, payload_length);
    if (record.status != Status::Done) return record;
    const auto payload = records.take(std::min(payload_length, records.remaining()));
    handshake.insert(handshake.end(), payload->begin(), payload->end());
    const auto message = check_handshake_header(handshake);
    if (message.status != Status::NeedMore) return message;
    // A record cut short, or the hello continues in the next record.
    if (payload->size() < payload_length || records.empty()) return need_more();
  }
}

// Lower-cases a host_name, refusing what cannot be a DNS name on the wire.
std::optional<std::string> host_name(std::span<const std::uint8_t> raw) {
  if (raw.empty() || raw.size() > 255) return std::nullopt;
  std::string name(raw.begin(), raw.end());
  for (const char c : name) {
    if (c <= ' ' || c > '~') return std::nullopt;
  }
  return common::text::to_lower(name);
}

// server_name extension (RFC 6066 3): the first host_name entry.
HelloResult parse_server_name(std::span<const std::uint8_t> data, ClientHello& hello) {
  Reader ext(data);
  const auto list = ext.vector16();
  if (!list || !ext.empty() || list->empty()) return error("malformed server_name extension");
  Reader entries(*list);
  while (!entries.empty()) {
    const auto type = entries.u8();
    const auto name = entries.vector16();
    if (!type || !name) return error("malformed server_name entry");
    if (*type != kNameTypeHostName) continue;
    if (!hello.server_name.empty()) return error("several host_name entries");
    auto lowered = host_name(*name);
    if (!lowered) return error("invalid host_name in server_name");
    hello.server_name = std::move(*lowered);
  }
  return {Status::Done, {}};
}

// application_layer_protocol_negotiation extension (RFC 7301 3.1).
HelloResult parse_alpn(std::span<const std::uint8_t> data, ClientHello& hello) {
  Reader ext(data);
  const auto list = ext.vector16();
  if (!list || !ext.empty() || list->empty()) return error("malformed ALPN extension");
  Reader names(*list);
  while (!names.empty()) {
    const auto name = names.vector8();
    if (!name || name->empty()) return error("malformed ALPN protocol name");
    hello.alpn.emplace_back(name->begin(), name->end());
  }
  return {Status::Done, {}};
}

HelloResult parse_extensions(Reader& body, ClientHello& hello) {
  if (body.empty()) return {Status::Done, {}};  // extensions are optional before TLS 1.3
  const auto block = body.vector16();
  if (!block || !body.empty()) return error("malformed extensions block");
  Reader extensions(*block);
  bool seen_sni = false;
  bool seen_alpn = false;
  while (!extensions.empty()) {
    const auto type = extensions.u16();
    const auto data = extensions.vector16();
    if (!type || !data) return error("malformed extension");
    HelloResult result{Status::Done, {}};
    if (*type == kExtensionServerName) {
      if (std::exchange(seen_sni, true)) return error("duplicate server_name extension");
      result = parse_server_name(*data, hello);
    } else if (*type == kExtensionAlpn) {
      if (std::exchange(seen_alpn, true)) return error("duplicate ALPN extension");
      result = parse_alpn(*data, hello);
    }
    if (result.status != Status::Done) return result;
  }
  return {Status::Done, {}};
}

// The ClientHello body, after the handshake header.
HelloResult parse_body(std::span<const std::uint8_t> message, ClientHello& hello) {
  Reader body(message);
  const auto version = body.u16();
  if (!version || (*version >> 8) != 3) return error("unsupported ClientHello version");
  hello.legacy_version = *version;
  const auto random = body.take(32);
  const auto session_id = body.vector8();
  if (!random || !session_id || session_id->size() > 32) return error("malformed session id");
  const auto cipher_suites = body.vector16();
  if (!cipher_suites || cipher_suites->empty() || cipher_suites->size() % 2 != 0) {
    return error("malformed cipher suites");
  }
  const auto compression = body.vector8();
  if (!compression || compression->empty()) return error("malformed compression methods");
  return parse_extensions(body, hello);
}

}  // namespace

HelloResult parse_client_hello(std::span<const std::uint8_t> bytes, ClientHello& hello) {
  hello = ClientHello{};
  std::vector<std::uint8_t> handshake;
  const auto assembled = reassemble(bytes, handshake);
  if (assembled.status != Status::Done) return assembled;
  const std::size_t length =
      (static_cast<std::size_t>(handshake[1]) << 16) | (static_cast<std::size_t>(handshake[2]) << 8) | handshake[3];
  const auto result = parse_body(std::span(handshake).subspan(kHandshakeHeader, length), hello);
  if (result.status != Status::Done) hello = ClientHello{};
  return result;
}

}  // namespace proxyd::tls
