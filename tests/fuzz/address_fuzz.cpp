// Address parsing: never crash, and whatever parses prints back to text that
// parses to the same value (the canonical form is a fixed point).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/core/address.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace common::net;
  if (const auto a = IpAddress::parse(text)) {
    if (IpAddress::parse(a->to_string()) != a) std::abort();
  }
  if (const auto e = Endpoint::parse(text)) {
    if (Endpoint::parse(e->to_string()) != e) std::abort();
  }
  if (const auto c = Cidr::parse(text, true)) {
    if (Cidr::parse(c->to_string(), true) != c) std::abort();
  }
  return 0;
}
