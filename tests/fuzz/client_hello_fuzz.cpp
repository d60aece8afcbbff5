// ClientHello reader: never crash or read out of bounds; an Error always
// says why; a Done hello has a lower-case printable name and non-empty
// ALPN names; and the verdict is monotonic in the bytes peeked: a prefix of
// the input that is already Done or Error stays so with the whole input.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proxyd/core/tls/client_hello.h"

namespace {

using namespace proxyd::tls;
using Status = HelloResult::Status;

void require(bool condition) {
  if (!condition) std::abort();
}

bool same(const ClientHello& a, const ClientHello& b) {
  return a.legacy_version == b.legacy_version && a.server_name == b.server_name && a.alpn == b.alpn;
}

void check_hello(const ClientHello& hello) {
  for (const char c : hello.server_name) require(c > ' ' && c <= '~' && !(c >= 'A' && c <= 'Z'));
  for (const auto& protocol : hello.alpn) require(!protocol.empty() && protocol.size() <= 255);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  ClientHello hello;
  const auto result = parse_client_hello(input, hello);
  require((result.status == Status::Error) == !result.error.empty());
  if (result.status == Status::Done) check_hello(hello);
  if (result.status != Status::Done) require(hello.server_name.empty() && hello.alpn.empty());
  for (const std::size_t cut : {size / 2, size > 0 ? size - 1 : 0}) {
    ClientHello partial;
    const auto prefix = parse_client_hello(input.first(cut), partial);
    if (prefix.status == Status::Error) require(result.status == Status::Error);
    if (prefix.status == Status::Done) require(result.status == Status::Done && same(partial, hello));
  }
  return 0;
}
