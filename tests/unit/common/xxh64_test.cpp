// XXH64 against values from the reference implementation (libxxhash 0.8).
#include "common/core/xxh64.h"

#include <catch2/catch.hpp>
#include <string>

TEST_CASE("xxh64: the reference implementation's values, short and long inputs, a seed") {
  CHECK(common::xxh64("") == 0xef46db3751d8e999ULL);
  CHECK(common::xxh64("a") == 0xd24ec4f1a98c6e5bULL);
  CHECK(common::xxh64("abc") == 0x44bc2cf5ad770999ULL);
  CHECK(common::xxh64(std::string(40, 'x')) == 0x926f564e1b3e18d5ULL);
  CHECK(common::xxh64("0123456789abcdefghijklmnopqrstuvwxyz0123") == 0x8df6b75c7d2f9d11ULL);
  CHECK(common::xxh64("abc", 1) != common::xxh64("abc"));
}
