#include "proxyd/core/proxy_protocol/proxy_encoder.h"

#include "proxyd/core/proxy_protocol/proxy_v1.h"
#include "proxyd/core/proxy_protocol/proxy_v2.h"

namespace proxyd::proxy_protocol {

std::vector<std::uint8_t> encode(const ProxyHeader& header) {
  switch (header.version) {
    case Version::V1: {
      const auto text = encode_v1(header.command == Command::Proxy ? header.addresses : std::nullopt);
      return {text.begin(), text.end()};
    }
    case Version::V2:
      return encode_v2(header.command, header.addresses);
  }
  return {};
}

}  // namespace proxyd::proxy_protocol
