#include "proxyd/core/balance/random_source.h"

#include <catch2/catch.hpp>
#include <limits>

#include "balance_test_support.h"

using namespace proxyd::balance;
using balance_test::ScriptedRandom;

TEST_CASE("SplitMix64 produces the reference sequence", "[proxyd][balance]") {
  SplitMix64 random(0);
  CHECK(random.next() == 0xe220a8397b1dcdafULL);
  CHECK(random.next() == 0x6e789e6aa1b965f4ULL);
  SplitMix64 same(0);
  CHECK(same.next() == 0xe220a8397b1dcdafULL);
}

TEST_CASE("uniform_below maps a draw into the bound without modulo bias", "[proxyd][balance]") {
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  SECTION("small values are taken modulo the bound") {
    ScriptedRandom random({7, 8, 9});
    CHECK(uniform_below(random, 3) == 1);
    CHECK(uniform_below(random, 3) == 2);
    CHECK(uniform_below(random, 3) == 0);
  }
  SECTION("the partial block at the top of the range is redrawn") {
    // 2^64 = 1 (mod 3): only kMax lies in the partial block.
    ScriptedRandom random({kMax, 4});
    CHECK(uniform_below(random, 3) == 1);
    CHECK(random.draws() == 2);
  }
  SECTION("a power of two bound never redraws") {
    ScriptedRandom random({kMax});
    CHECK(uniform_below(random, 4) == 3);
    CHECK(random.draws() == 1);
  }
  SECTION("a bound of one is always zero") {
    SplitMix64 random(9);
    for (int i = 0; i < 10; ++i) CHECK(uniform_below(random, 1) == 0);
  }
}

TEST_CASE("mix64 is a fixed, spreading function", "[proxyd][balance]") {
  CHECK(mix64(0) == 0);
  CHECK(mix64(1) != mix64(2));
  CHECK(mix64(0x9e3779b97f4a7c15ULL) == 0xe220a8397b1dcdafULL);
}
