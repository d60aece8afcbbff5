#include "common/core/config/value_parsers.h"

#include <catch2/catch.hpp>

using namespace common::config;
using namespace std::chrono_literals;

TEST_CASE("durations: units, decimals, bare seconds, compounds") {
  CHECK(*parse_duration("250ms") == 250ms);
  CHECK(*parse_duration("1s") == 1000ms);
  CHECK(*parse_duration("2m") == 120'000ms);
  CHECK(*parse_duration("1h") == 3'600'000ms);
  CHECK(*parse_duration("1d") == 86'400'000ms);
  CHECK(*parse_duration("3") == 3000ms);
  CHECK(*parse_duration("0.1") == 100ms);
  CHECK(*parse_duration("1.5s") == 1500ms);
  CHECK(*parse_duration("1m30s") == 90'000ms);
  CHECK(*parse_duration(" 5s ") == 5000ms);
  for (const auto* bad : {"", "s", "5x", "-1s", "1.s", "1.0005s", "5 s", "1s2", "99999999999999999999s"}) {
    INFO(bad);
    const auto r = parse_duration(bad);
    REQUIRE_FALSE(r);
  }
  CHECK(parse_duration("5x").error().message.find("expected a duration") == 0);
}

TEST_CASE("sizes: bytes and binary multiples") {
  CHECK(*parse_size("16384") == 16384);
  CHECK(*parse_size("16k") == 16384);
  CHECK(*parse_size("16KiB") == 16384);
  CHECK(*parse_size("4m") == 4u << 20);
  CHECK(*parse_size("1g") == 1u << 30);
  CHECK_FALSE(parse_size("k"));
  CHECK_FALSE(parse_size("12q"));
  CHECK_FALSE(parse_size("99999999999g"));
}

TEST_CASE("booleans") {
  for (const auto* t : {"true", "YES", "on", "1"}) CHECK(*parse_bool(t));
  for (const auto* f : {"false", "No", "off", "0"}) CHECK_FALSE(*parse_bool(f));
  CHECK_FALSE(parse_bool("maybe"));
}

TEST_CASE("integers within bounds") {
  CHECK(*parse_uint("51", 1, 255) == 51);
  CHECK_FALSE(parse_uint("0", 1, 255));
  CHECK_FALSE(parse_uint("256", 1, 255));
  CHECK_FALSE(parse_uint("1e3", 1, 5000));
  CHECK(parse_uint("256", 1, 255).error().message == "expected an integer from 1 to 255");
}

TEST_CASE("addresses, endpoints, networks, interface addresses") {
  CHECK(parse_ip("10.0.0.1")->to_string() == "10.0.0.1");
  CHECK_FALSE(parse_ip("10.0.0"));
  CHECK(parse_endpoint("[::1]:80")->port == 80);
  CHECK_FALSE(parse_endpoint("10.0.0.1"));
  CHECK(parse_cidr("192.168.0.0/16")->prefix_length == 16);
  CHECK_FALSE(parse_cidr("192.168.0.1/16"));
  CHECK(parse_interface_address("10.0.0.10/24")->to_string() == "10.0.0.10/24");
}

TEST_CASE("user and group names") {
  CHECK(*parse_account_name("proxyd") == "proxyd");
  CHECK(*parse_account_name("vrrpd-script") == "vrrpd-script");
  CHECK(*parse_account_name("1000") == "1000");
  CHECK_FALSE(parse_account_name("-rf"));
  CHECK_FALSE(parse_account_name("a b"));
  CHECK_FALSE(parse_account_name("0day"));
  CHECK_FALSE(parse_account_name(std::string(33, 'a')));
}

TEST_CASE("words, paths, text and choices") {
  CHECK(*parse_word("eth1") == "eth1");
  CHECK_FALSE(parse_word("eth1 eth2"));
  CHECK(*parse_path("/run/x.pid") == "/run/x.pid");
  CHECK_FALSE(parse_path("run/x.pid"));
  CHECK_FALSE(parse_text("  "));
  enum class Mode { Tcp, Http };
  const std::vector<std::pair<std::string_view, Mode>> modes{{"tcp", Mode::Tcp}, {"http", Mode::Http}};
  CHECK(*parse_choice(std::string_view("HTTP"), modes) == Mode::Http);
  CHECK(parse_choice(std::string_view("udp"), modes).error().message == "expected one of tcp, http");
}
