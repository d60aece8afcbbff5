// The floatip command line.
#include "vrrpd/floatip/core/command_line.h"

#include <catch2/catch.hpp>
#include <string_view>
#include <vector>

using namespace vrrpd::floatip;

namespace {

common::Result<Options> parse(std::vector<std::string_view> args) {
  return parse_command_line(args);
}

std::string error_of(std::vector<std::string_view> args) {
  const auto r = parse(std::move(args));
  return r ? std::string("(parsed)") : r.error().message;
}

}  // namespace

TEST_CASE("floatip assign --ip uses the documented defaults", "[floatip]") {
  const auto o = parse({"assign", "--ip", "203.0.113.10"});
  REQUIRE(o);
  CHECK(o->command == Command::Assign);
  CHECK(o->ip == "203.0.113.10");
  CHECK(o->token_file == "/etc/vrrpd/do-token");
  CHECK(o->api == "https://api.digitalocean.com");
  CHECK(o->metadata == "http://169.254.169.254");
  CHECK(o->budget == common::Duration{60'000});
  CHECK_FALSE(o->verbose);
}

TEST_CASE("every option, in either spelling and position", "[floatip]") {
  const auto o = parse({"--budget=90s", "-v", "status", "--ip=203.0.113.10", "--token-file", "/run/credentials/t",
                        "--api", "http://127.0.0.1:8080/", "--metadata=http://127.0.0.1:8081"});
  REQUIRE(o);
  CHECK(o->command == Command::Status);
  CHECK(o->budget == common::Duration{90'000});
  CHECK(o->verbose);
  CHECK(o->token_file == "/run/credentials/t");
  CHECK(o->api == "http://127.0.0.1:8080");  // trailing '/' dropped
  CHECK(o->metadata == "http://127.0.0.1:8081");
}

TEST_CASE("command-line mistakes are reported one at a time", "[floatip]") {
  CHECK(error_of({}) == "missing command (assign or status)");
  CHECK(error_of({"assign"}) == "missing --ip");
  CHECK(error_of({"move", "--ip", "203.0.113.10"}) == "unknown command 'move' (expected assign or status)");
  CHECK(error_of({"assign", "status"}) == "unexpected argument 'status'");
  CHECK(error_of({"assign", "--ip"}) == "option --ip needs a value");
  CHECK(error_of({"assign", "--ip", "2001:db8::1"}) == "--ip needs an IPv4 address, not '2001:db8::1'");
  CHECK(error_of({"assign", "--ip", "203.0.113"}) == "--ip needs an IPv4 address, not '203.0.113'");
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--api", "api.digitalocean.com"}) ==
        "--api needs an http:// or https:// URL with a host, not 'api.digitalocean.com'");
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--metadata", "http://"}) ==
        "--metadata needs an http:// or https:// URL with a host, not 'http://'");
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--budget", "soon"}).starts_with("--budget: expected a duration"));
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--budget", "500ms"}) == "--budget must be between 1s and 1h");
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--budget", "2h"}) == "--budget must be between 1s and 1h");
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--frobnicate", "x"}) == "unknown option --frobnicate");
}

TEST_CASE("the token is refused on the command line", "[floatip]") {
  const std::string expected = "the token is read from --token-file (mode 0600), never from the command line";
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--token", "dop_v1_x"}) == expected);
  CHECK(error_of({"assign", "--ip", "203.0.113.10", "--token=dop_v1_x"}) == expected);
}

TEST_CASE("help (-h) wins over everything else", "[floatip]") {
  for (const auto& args : {std::vector<std::string_view>{"--bogus", "-h"}, {"--help", "assign", "--ip"}}) {
    const auto o = parse(args);
    REQUIRE(o);
    CHECK(o->help);
  }
  CHECK(usage_text().find("Exit codes: 0 assigned or already ours") != std::string::npos);
}

TEST_CASE("plain http is flagged only when the token would leave the host", "[floatip]") {
  CHECK(is_cleartext_remote("http://api.example.com"));
  CHECK(is_cleartext_remote("http://localhost.example.com:80"));
  CHECK(is_cleartext_remote("http://10.0.0.1"));
  CHECK_FALSE(is_cleartext_remote("https://api.digitalocean.com"));
  CHECK_FALSE(is_cleartext_remote("http://127.0.0.1:8080"));
  CHECK_FALSE(is_cleartext_remote("http://localhost:8080"));
  CHECK_FALSE(is_cleartext_remote("http://[::1]:8080"));
}
