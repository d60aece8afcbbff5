// XXH64, the 64-bit xxHash (seeded), written from the algorithm's public
// specification. proxyd's dynamic cookies must be byte-for-byte HAProxy's,
// which hashes with it.
#pragma once

#include <cstdint>
#include <string_view>

namespace common {

std::uint64_t xxh64(std::string_view bytes, std::uint64_t seed = 0);

}  // namespace common
