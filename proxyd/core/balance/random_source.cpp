#include "proxyd/core/balance/random_source.h"

#include <cassert>
#include <limits>

namespace proxyd::balance {

std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t SplitMix64::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix64(state_);
}

std::uint64_t uniform_below(RandomSource& random, std::uint64_t bound) {
  assert(bound > 0);
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  // 2^64 mod bound: the size of the incomplete block at the top of the range.
  // Rejecting from the top (not the bottom) keeps small scripted values in
  // tests meaning exactly "value % bound".
  const std::uint64_t partial = (kMax % bound + 1) % bound;
  while (true) {
    const std::uint64_t value = random.next();
    if (partial == 0 || value <= kMax - partial) return value % bound;
  }
}

}  // namespace proxyd::balance
