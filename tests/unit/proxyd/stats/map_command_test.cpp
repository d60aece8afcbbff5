#include "proxyd/core/stats/map_command.h"

#include <catch2/catch.hpp>

#include "proxyd/core/sample/acl.h"

using proxyd::stats::MapCommand;
using proxyd::stats::parse_map_command;
using proxyd::stats::run_map_command;

namespace {

MapCommand parsed(std::string_view line) {
  auto c = parse_map_command(line);
  REQUIRE(c.has_value());
  INFO(line << ": " << (*c ? std::string() : c->error().message));
  REQUIRE(*c);
  return **c;
}

std::string run(proxyd::sample::Library& lib, std::string_view line) {
  auto outcome = run_map_command(parsed(line), lib.files);
  return outcome ? outcome->answer : "error: " + outcome.error().message;
}

}  // namespace

TEST_CASE("map commands parse in HAProxy's spelling", "[proxyd][stats][map]") {
  CHECK_FALSE(parse_map_command("show stat").has_value());
  CHECK_FALSE(parse_map_command("set weight b/s 1").has_value());
  auto add = parsed("add map /etc/proxyd/hosts.map www.example.org be www");
  CHECK(add.verb == MapCommand::Verb::Add);
  CHECK(add.file == "/etc/proxyd/hosts.map");
  CHECK(add.key == "www.example.org");
  CHECK(add.value == "be www");
  auto acl = parsed("add acl #1 10.0.0.0/8");
  CHECK_FALSE(acl.map);
  CHECK(acl.key == "10.0.0.0/8");
  CHECK(parsed("show map").file.empty());
  CHECK(parsed("del map #0 #0x2").key == "#0x2");
  CHECK(parsed("commit map /x.map").verb == MapCommand::Verb::Commit);
  for (const auto* bad :
       {"add map /x.map onlykey", "set acl /x k v", "del map /x", "clear map", "show map a b", "get map /x"}) {
    INFO(bad);
    const auto c = parse_map_command(bad);
    REQUIRE(c.has_value());
    CHECK_FALSE(*c);
  }
}

TEST_CASE("map commands change what the rules see, and commit writes the file", "[proxyd][stats][map]") {
  proxyd::sample::Library lib;
  REQUIRE(proxyd::sample::parse_expression("req.hdr(host),map(/m/hosts.map)", &lib));
  REQUIRE(proxyd::sample::parse_criterion(*proxyd::sample::split("src -f /m/deny.lst"), &lib));
  REQUIRE(lib.files.find("/m/hosts.map")->load("a.example be_a\n"));
  REQUIRE(lib.files.find("/m/deny.lst")->load("192.0.2.0/24\n"));
  CHECK(run(lib, "show map") ==
        "# id (file) description\n0 (/m/hosts.map) pattern loaded from file '/m/hosts.map' used by 1 rule(s). "
        "entry_cnt=1\n");
  CHECK(run(lib, "show acl").find("1 (/m/deny.lst)") != std::string::npos);
  CHECK(run(lib, "get map /m/hosts.map b.example") == "type=str, case=sensitive, found=no\n");
  CHECK(run(lib, "add map /m/hosts.map b.example be_b").empty());
  CHECK(run(lib, "get map #0 b.example") == "type=str, case=sensitive, found=yes, key=\"b.example\", value=\"be_b\"\n");
  CHECK(run(lib, "show map /m/hosts.map") == "0x1 a.example be_a\n0x2 b.example be_b\n");
  CHECK(run(lib, "set map /m/hosts.map #0x2 be_c").empty());
  CHECK(run(lib, "get map #0 b.example").find("value=\"be_c\"") != std::string::npos);
  CHECK(run(lib, "add acl /m/deny.lst not-an-address").starts_with("error: "));
  CHECK(run(lib, "show acl /m/deny.lst") == "0x1 192.0.2.0/24\n");
  CHECK(run(lib, "get acl #1 192.0.2.9") == "type=ip, case=sensitive, found=yes, key=\"192.0.2.0/24\"\n");
  CHECK(run(lib, "del acl #1 192.0.2.0/24").empty());
  CHECK(run(lib, "get acl #1 192.0.2.9") == "type=ip, case=sensitive, found=no\n");
  CHECK(run(lib, "show map /m/deny.lst").starts_with("error: unknown map"));
  CHECK(run(lib, "clear map /nope").starts_with("error: unknown map"));
  auto commit = run_map_command(parsed("commit map #0"), lib.files);
  REQUIRE(commit);
  REQUIRE(commit->write);
  CHECK(commit->write->first == "/m/hosts.map");
  CHECK(commit->write->second == "a.example be_a\nb.example be_c\n");
  CHECK(run(lib, "clear map #0").empty());
  CHECK(run(lib, "show map #0").empty());
}
