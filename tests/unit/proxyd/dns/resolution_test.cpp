#include "proxyd/core/dns/resolution.h"

#include <catch2/catch.hpp>

#include "proxyd/core/dns/address_choice.h"
#include "proxyd/core/dns/server_address.h"

using namespace std::chrono_literals;
using common::net::Endpoint;
using common::net::IpAddress;
using proxyd::dns::Answer;
using proxyd::dns::Outcome;
using proxyd::dns::Record;
using proxyd::dns::Resolution;

namespace {

Record rec(const char* ip, std::uint16_t port = 0) {
  return Record{*IpAddress::parse(ip), port, 0};
}
Answer valid(std::vector<Record> records) {
  return Answer{Outcome::Valid, std::move(records)};
}
const common::TimePoint t0{};

}  // namespace

TEST_CASE("a valid answer is asked again hold_valid later, a failure timeout_retry later", "[dns]") {
  proxyd::dns::Timings t;
  t.hold_valid = 10s;
  t.timeout_retry = 2s;
  Resolution r(t, t0);
  REQUIRE(r.next_query() == t0);
  r.sent();
  CHECK_FALSE(r.next_query());  // in flight
  r.answered(valid({rec("10.0.0.1")}), t0 + 50ms);
  CHECK(r.next_query() == t0 + 50ms + 10s);
  // A timeout is one only after resolve_retries unanswered queries (3).
  r.sent();
  r.answered({Outcome::Timeout, {}}, t0 + 11s);
  CHECK(r.next_query() == t0 + 11s);  // again at once
  CHECK_FALSE(r.last_outcome() == Outcome::Timeout);
  r.sent();
  r.answered({Outcome::Timeout, {}}, t0 + 12s);
  r.sent();
  r.answered({Outcome::Timeout, {}}, t0 + 13s);
  CHECK(r.last_outcome() == Outcome::Timeout);
  CHECK(r.next_query() == t0 + 13s + 2s);
  // hold_valid shorter than timeout_resolve: timeout_resolve wins.
  t.hold_valid = 100ms;
  t.timeout_resolve = 1s;
  Resolution fast(t, t0);
  fast.sent();
  fast.answered(valid({rec("10.0.0.1")}), t0);
  CHECK(fast.next_query() == t0 + 1s);
}

TEST_CASE("a failure keeps the last valid records for hold_<status> after that answer", "[dns]") {
  proxyd::dns::Timings t;
  t.hold_nx = 30s;
  t.hold_timeout = 5s;
  t.resolve_retries = 1;
  Resolution r(t, t0);
  r.sent();
  r.answered(valid({rec("10.0.0.1")}), t0);
  r.sent();
  r.answered({Outcome::NxDomain, {}}, t0 + 10s);
  CHECK(r.records(t0 + 10s) == std::vector<Record>{rec("10.0.0.1")});
  CHECK_FALSE(r.failed(t0 + 29s));
  CHECK(r.failed(t0 + 30s) == Outcome::NxDomain);
  CHECK(r.records(t0 + 30s).empty());
  // Each status has its own hold, counted from the last valid answer.
  r.sent();
  r.answered({Outcome::Timeout, {}}, t0 + 31s);
  CHECK(r.failed(t0 + 31s) == Outcome::Timeout);
  // A valid answer ends the failure at once.
  r.sent();
  r.answered(valid({rec("10.0.0.2")}), t0 + 40s);
  CHECK_FALSE(r.failed(t0 + 40s));
  CHECK(r.records(t0 + 40s) == std::vector<Record>{rec("10.0.0.2")});
  CHECK(r.answers() == 4);
  CHECK(r.failures() == 2);
}

TEST_CASE("a name that never resolved fails at its first failure, an empty answer is no IP", "[dns]") {
  Resolution r({}, t0);
  CHECK_FALSE(r.failed(t0));  // not asked yet
  r.sent();
  r.answered({Outcome::Refused, {}}, t0);
  CHECK(r.failed(t0) == Outcome::Refused);
  r.sent();
  r.answered(valid({}), t0 + 1s);
  CHECK(r.failed(t0 + 1s) == Outcome::Valid);
  CHECK(proxyd::dns::describe(Outcome::Valid) == "No IP for server");
  CHECK(proxyd::dns::describe(Outcome::NxDomain) == "DNS NX status");
  CHECK(proxyd::dns::describe(Outcome::Other) == "unspecified DNS error");
  // Records init_addr found count as a valid answer at construction.
  Resolution known({}, t0, {rec("10.0.0.9")});
  known.sent();
  known.answered({Outcome::Timeout, {}}, t0 + 1s);
  CHECK(known.records(t0 + 1s) == std::vector<Record>{rec("10.0.0.9")});
}

TEST_CASE("hold_obsolete keeps a record missing from later answers for a while", "[dns]") {
  proxyd::dns::Timings t;
  t.hold_obsolete = 5s;
  Resolution r(t, t0);
  r.sent();
  r.answered(valid({rec("10.0.0.1"), rec("10.0.0.2")}), t0);
  r.sent();
  r.answered(valid({rec("10.0.0.2")}), t0 + 3s);
  CHECK(r.records(t0 + 3s).size() == 2);
  r.sent();
  r.answered(valid({rec("10.0.0.2")}), t0 + 6s);
  CHECK(r.records(t0 + 6s) == std::vector<Record>{rec("10.0.0.2")});
  // The default 0 drops a missing record at once.
  Resolution now({}, t0);
  now.sent();
  now.answered(valid({rec("10.0.0.1"), rec("10.0.0.2")}), t0);
  now.sent();
  now.answered(valid({rec("10.0.0.2")}), t0 + 1s);
  CHECK(now.records(t0 + 1s) == std::vector<Record>{rec("10.0.0.2")});
}

TEST_CASE("choose_address: family, networks, addresses taken, and the current one stays", "[dns]") {
  using proxyd::dns::choose_address;
  proxyd::dns::Preferences v4;
  v4.family = common::net::Family::V4;
  const std::vector<Record> mixed{rec("2001:db8::1"), rec("10.0.0.1"), rec("192.168.1.1")};
  CHECK(choose_address(mixed, {}, std::nullopt, 80)->address == *IpAddress::parse("2001:db8::1"));  // ipv6 by default
  CHECK(choose_address(mixed, v4, std::nullopt, 80)->address == *IpAddress::parse("10.0.0.1"));
  auto net = v4;
  net.networks.push_back(*common::net::Cidr::parse("192.168.0.0/16"));
  CHECK(choose_address(mixed, net, std::nullopt, 80)->address == *IpAddress::parse("192.168.1.1"));
  // A v6-only answer still gives an address when v4 is preferred.
  CHECK(choose_address(std::vector<Record>{rec("2001:db8::2")}, v4, std::nullopt, 80));
  CHECK_FALSE(choose_address({}, v4, std::nullopt, 80));
  // The current address stays while listed, in any order.
  const std::vector<Record> three{rec("10.0.0.1"), rec("10.0.0.2"), rec("10.0.0.3")};
  CHECK(choose_address(three, v4, Endpoint::parse("10.0.0.3:80"), 80)->address == *IpAddress::parse("10.0.0.3"));
  // Servers on the same name spread over its addresses.
  const std::vector<Endpoint> taken{*Endpoint::parse("10.0.0.1:80"), *Endpoint::parse("10.0.0.2:80")};
  CHECK(choose_address(three, v4, std::nullopt, 80, taken)->address == *IpAddress::parse("10.0.0.3"));
  // SRV: one address on two ports is two places to go.
  const std::vector<Record> ports{rec("10.0.0.1", 8001), rec("10.0.0.1", 8002)};
  const std::vector<Endpoint> first{*Endpoint::parse("10.0.0.1:8001")};
  CHECK(choose_address(ports, v4, std::nullopt, 0, first)->port == 8002);
}

TEST_CASE("ServerAddress: changes, maintenance and recovery, with HAProxy's lines", "[dns]") {
  proxyd::dns::Preferences v4;
  v4.family = common::net::Family::V4;
  proxyd::dns::Timings t;
  t.hold_nx = 30s;
  Resolution r(t, t0);
  proxyd::dns::ServerAddress a(Endpoint::parse("10.0.0.1:8080"), 8080);
  r.sent();
  r.answered(valid({rec("10.0.0.1")}), t0);
  CHECK_FALSE(a.update(r, t0, v4));  // the same address: nothing to say
  r.sent();
  r.answered(valid({rec("10.0.0.2")}), t0 + 10s);
  auto e = a.update(r, t0 + 10s, v4);
  REQUIRE(e);
  CHECK(e->kind == proxyd::dns::AddressEvent::Kind::Changed);
  CHECK(a.current() == Endpoint::parse("10.0.0.2:8080"));
  CHECK(proxyd::dns::address_changed_line("app", "web1", *e) ==
        "app/web1 changed its IP from 10.0.0.1 to 10.0.0.2 by DNS cache.");
  r.sent();
  r.answered({Outcome::NxDomain, {}}, t0 + 20s);
  CHECK_FALSE(a.update(r, t0 + 20s, v4));  // held
  e = a.update(r, t0 + 40s, v4);
  REQUIRE(e);
  CHECK(e->kind == proxyd::dns::AddressEvent::Kind::Lost);
  CHECK(e->cause == Outcome::NxDomain);
  CHECK(a.unresolved());
  CHECK_FALSE(a.update(r, t0 + 41s, v4));  // said once
  r.sent();
  r.answered(valid({rec("10.0.0.3")}), t0 + 50s);
  e = a.update(r, t0 + 50s, v4);
  REQUIRE(e);
  CHECK(e->kind == proxyd::dns::AddressEvent::Kind::Recovered);
  CHECK_FALSE(a.unresolved());
  CHECK(a.current() == Endpoint::parse("10.0.0.3:8080"));
  CHECK(proxyd::dns::resolves_again_line("app", "web1", "web.example.org", true) ==
        "Server app/web1 ('web.example.org') is UP/READY (resolves again).");
}

TEST_CASE("ServerAddress: init_addr none starts in maintenance until the first answer, SRV ports", "[dns]") {
  Resolution r({}, t0);
  proxyd::dns::ServerAddress a(std::nullopt, 80);
  CHECK(a.unresolved());
  r.sent();
  r.answered({Outcome::NxDomain, {}}, t0);
  CHECK_FALSE(a.update(r, t0, {}));  // still out: no new event
  r.sent();
  r.answered(valid({rec("10.0.0.7", 9000)}), t0 + 1s);
  const auto e = a.update(r, t0 + 1s, {});
  REQUIRE(e);
  CHECK(e->kind == proxyd::dns::AddressEvent::Kind::Recovered);
  CHECK(a.current() == Endpoint::parse("10.0.0.7:9000"));
}

TEST_CASE("server_template slots take one address each and keep it while listed", "[dns]") {
  proxyd::dns::Preferences v4;
  v4.family = common::net::Family::V4;
  Resolution r({}, t0);
  std::vector<proxyd::dns::ServerAddress> slots(3, proxyd::dns::ServerAddress(std::nullopt, 80, true));
  // One pass as the resolver makes it: each slot sees the others' addresses.
  const auto pass = [&](common::TimePoint now) {
    int events = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      std::vector<Endpoint> taken;
      for (std::size_t j = 0; j < slots.size(); ++j) {
        if (j != i && slots[j].current() && !slots[j].unresolved()) taken.push_back(*slots[j].current());
      }
      events += slots[i].update(r, now, v4, taken) ? 1 : 0;
    }
    return events;
  };
  r.sent();
  r.answered(valid({rec("10.0.0.1"), rec("10.0.0.2")}), t0);
  CHECK(pass(t0) == 2);  // two replicas: two slots filled, the third stays out
  CHECK(slots[0].current() == Endpoint::parse("10.0.0.1:80"));
  CHECK(slots[1].current() == Endpoint::parse("10.0.0.2:80"));
  CHECK(slots[2].unresolved());
  // Scale to three (listed in another order): the new one goes to the free slot.
  r.sent();
  r.answered(valid({rec("10.0.0.3"), rec("10.0.0.2"), rec("10.0.0.1")}), t0 + 1s);
  CHECK(pass(t0 + 1s) == 1);
  CHECK(slots[0].current() == Endpoint::parse("10.0.0.1:80"));
  CHECK(slots[1].current() == Endpoint::parse("10.0.0.2:80"));
  CHECK(slots[2].current() == Endpoint::parse("10.0.0.3:80"));
  // Scale down to one: the slots of the gone replicas go out.
  r.sent();
  r.answered(valid({rec("10.0.0.2")}), t0 + 2s);
  CHECK(pass(t0 + 2s) == 2);
  CHECK(slots[1].current() == Endpoint::parse("10.0.0.2:80"));
  CHECK_FALSE(slots[1].unresolved());
  CHECK(slots[0].unresolved());
  CHECK(slots[0].lost_cause() == Outcome::Valid);  // "No IP for server"
  CHECK(slots[2].unresolved());
}

TEST_CASE("ServerAddress: an SRV record's weight is an event even when the address stays", "[dns]") {
  Resolution r({}, t0);
  proxyd::dns::ServerAddress a(std::nullopt, 0);
  r.sent();
  r.answered(valid({Record{*IpAddress::parse("10.0.0.7"), 9000, 10}}), t0);
  auto e = a.update(r, t0, {});
  REQUIRE(e);
  CHECK(e->srv_weight == 10);
  r.sent();
  r.answered(valid({Record{*IpAddress::parse("10.0.0.7"), 9000, 50}}), t0 + 1s);
  e = a.update(r, t0 + 1s, {});
  REQUIRE(e);
  CHECK(e->kind == proxyd::dns::AddressEvent::Kind::Changed);
  CHECK(e->srv_weight == 50);
  // HAProxy's mapping: srv_weight / 256 + 1.
  CHECK(proxyd::dns::weight_of_srv(0) == 1);
  CHECK(proxyd::dns::weight_of_srv(255) == 1);
  CHECK(proxyd::dns::weight_of_srv(768) == 4);
  CHECK(proxyd::dns::weight_of_srv(65535) == 256);
}
