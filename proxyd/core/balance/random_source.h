// Randomness for the balancers, always injected: the adapter owns one source
// seeded from the kernel, tests a seeded or scripted one. There is no global
// RNG, so every pick is reproducible from the source's sequence.
#pragma once

#include <cstdint>

namespace proxyd::balance {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // The next uniformly distributed 64-bit value.
  virtual std::uint64_t next() = 0;
};

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and good enough to spread
// load; not for secrets.
class SplitMix64 final : public RandomSource {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() override;

 private:
  std::uint64_t state_;
};

// The SplitMix64 finalizer: a bijective 64-bit mix, shared by the hashing
// balancers so that nearby inputs land far apart.
std::uint64_t mix64(std::uint64_t x);

// A uniform value in [0, <bound>) drawn from <random>, without modulo bias
// (values from the top partial block are redrawn). <bound> must be > 0.
std::uint64_t uniform_below(RandomSource& random, std::uint64_t bound);

}  // namespace proxyd::balance
