#include "common/core/xxh64.h"

#include <bit>
#include <cstring>

namespace common {
namespace {

constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kP3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kP4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kP5 = 0x27D4EB2F165667C5ULL;

// Little-endian loads, whatever the host.
std::uint64_t load64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint64_t load32(const char* p) {
  std::uint64_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint64_t round(std::uint64_t acc, std::uint64_t input) {
  acc += input * kP2;
  acc = std::rotl(acc, 31);
  return acc * kP1;
}

std::uint64_t merge(std::uint64_t acc, std::uint64_t value) {
  acc ^= round(0, value);
  return acc * kP1 + kP4;
}

// The 32-byte stripes of an input of 32 bytes or more.
std::uint64_t stripes(const char*& p, const char* limit, std::uint64_t seed) {
  std::uint64_t v1 = seed + kP1 + kP2;
  std::uint64_t v2 = seed + kP2;
  std::uint64_t v3 = seed;
  std::uint64_t v4 = seed - kP1;
  do {
    v1 = round(v1, load64(p));
    v2 = round(v2, load64(p + 8));
    v3 = round(v3, load64(p + 16));
    v4 = round(v4, load64(p + 24));
    p += 32;
  } while (p <= limit);
  std::uint64_t h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
  for (const auto v : {v1, v2, v3, v4}) h = merge(h, v);
  return h;
}

}  // namespace

std::uint64_t xxh64(std::string_view bytes, std::uint64_t seed) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  std::uint64_t h = bytes.size() >= 32 ? stripes(p, end - 32, seed) : seed + kP5;
  h += bytes.size();
  for (; p + 8 <= end; p += 8) {
    h ^= round(0, load64(p));
    h = std::rotl(h, 27) * kP1 + kP4;
  }
  if (p + 4 <= end) {
    h ^= load32(p) * kP1;
    h = std::rotl(h, 23) * kP2 + kP3;
    p += 4;
  }
  for (; p < end; ++p) {
    h ^= static_cast<unsigned char>(*p) * kP5;
    h = std::rotl(h, 11) * kP1;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

}  // namespace common
