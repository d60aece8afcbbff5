// `floatip status`: the same lookup and retry policy, read-only.
#include "vrrpd/floatip/core/status.h"

#include <catch2/catch.hpp>

#include "unit/vrrpd/floatip/scripted_world.h"

using namespace floatip_test;
using namespace vrrpd::floatip;

TEST_CASE("status: names the holder and whether it is this droplet", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  SECTION("this droplet") {
    w.http.on(kGetReserved, {ip_held_by(kOurDroplet)});
    const auto r = query_status(w.env, w.target, 60s);
    CHECK(r.outcome == Outcome::Reported);
    CHECK(exit_code(r.outcome) == ExitCode::Ok);
    CHECK(r.detail == "203.0.113.10 is assigned to droplet 111 (this droplet)");
  }
  SECTION("the peer, locked") {
    w.http.on(kGetReserved, {ip_held_by(kPeerDroplet, true)});
    CHECK(query_status(w.env, w.target, 60s).detail ==
          "203.0.113.10 is assigned to droplet 222 (not this droplet, 111); locked by a pending action");
  }
  SECTION("nobody, on the legacy endpoint") {
    w.http.on(kGetReserved, {api_error(404, "not_found", "not found")});
    w.http.on(kGetFloating, {ip_held_by(std::nullopt, false, "floating_ip")});
    const auto r = query_status(w.env, w.target, 60s);
    CHECK(r.detail == "203.0.113.10 is unassigned (legacy /v2/floating_ips)");
    CHECK(r.kind == IpKind::Floating);
  }
}

TEST_CASE("status: works off-droplet, asking metadata only once", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {transport_error("Connection timed out")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  const auto r = query_status(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::Reported);
  CHECK(r.detail == "203.0.113.10 is assigned to droplet 222");
  CHECK(w.http.count(kMetadataId) == 1);
}

TEST_CASE("status: retries 5xx, fails on 401 and when the budget runs out", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  SECTION("a 502, then an answer") {
    w.http.on(kGetReserved, {api_error(502, "bad_gateway", "upstream"), ip_held_by(kOurDroplet)});
    CHECK(query_status(w.env, w.target, 60s).outcome == Outcome::Reported);
    CHECK(w.sleeper.sleeps().size() == 1);
  }
  SECTION("401") {
    w.http.on(kGetReserved, {api_error(401, "unauthorized", "Unable to authenticate you")});
    const auto r = query_status(w.env, w.target, 60s);
    CHECK(r.outcome == Outcome::AuthFailed);
    CHECK(r.detail ==
          "cannot look up 203.0.113.10: authentication failed: HTTP 401 unauthorized: Unable to authenticate you "
          "(request_id req-401)");
  }
  SECTION("503 forever") {
    w.http.on(kGetReserved, {api_error(503, "service_unavailable", "later")});
    const auto r = query_status(w.env, w.target, 5s);
    CHECK(r.outcome == Outcome::BudgetExhausted);
    CHECK(w.elapsed() <= 5s);
  }
}
