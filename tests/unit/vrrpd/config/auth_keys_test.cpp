// The auth_hmac key file: "ID SECRET" lines, every error with its line.
#include "vrrpd/core/config/auth_keys.h"

#include <catch2/catch.hpp>

using namespace vrrpd::config;

TEST_CASE("a key file holds one or more keys by id; comments and blank lines are skipped") {
  const std::string a(64, 'a');
  const auto ring = parse_key_file("# made by vrrpd genkey\n1 " + a + "\n\n  7 " + std::string(32, '0') + "  # old\n");
  REQUIRE(ring);
  CHECK(ring->size() == 2);
  CHECK(ring->at(1) == std::vector<std::uint8_t>(32, 0xaa));
  CHECK(ring->at(7).size() == 16);
  CHECK(format_key_line(3, std::vector<std::uint8_t>{0x01, 0xab}) == "3 01ab");
}

TEST_CASE("every bad line of a key file is reported with its number") {
  const auto bad = parse_key_file("0 " + std::string(64, 'a') + "\n2 xyz\n3 abcd\n4 " + std::string(64, 'b') + "\n4 " +
                                  std::string(64, 'c') + "\nonly-one-word\n");
  REQUIRE_FALSE(bad);
  const auto& m = bad.error().message;
  CHECK(m.find("1: key id '0' is not 1 to 255") != std::string::npos);
  CHECK(m.find("2: the secret has an odd number of hex digits") != std::string::npos);
  CHECK(m.find("3: the secret is 2 bytes; expected 16 to 64 (vrrpd genkey makes 32)") != std::string::npos);
  CHECK(m.find("5: key id 4 is given twice") != std::string::npos);
  CHECK(m.find("6: expected \"ID SECRET\"") != std::string::npos);
  CHECK_FALSE(parse_key_file("# nothing\n"));
}
