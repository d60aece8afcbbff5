// `floatip assign` against a scripted API and a manual clock: every path of
// the algorithm in FEATURES.md 4.2, with the time each one takes.
#include "vrrpd/floatip/core/assign.h"

#include <catch2/catch.hpp>

#include "unit/vrrpd/floatip/scripted_world.h"

using namespace floatip_test;
using namespace vrrpd::floatip;

namespace {

std::vector<common::Duration> ms(std::initializer_list<int> values) {
  std::vector<common::Duration> out;
  for (const int v : values) out.emplace_back(v);
  return out;
}

std::string header(const HttpRequest& request, const std::string& name) {
  for (const auto& [n, v] : request.headers) {
    if (n == name) return v;
  }
  return {};
}

}  // namespace

TEST_CASE("assign: an IP already on this droplet and unlocked succeeds at once", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111\n")});
  w.http.on(kGetReserved, {ip_held_by(kOurDroplet)});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::AlreadyOurs);
  CHECK(exit_code(r.outcome) == ExitCode::Ok);
  CHECK(r.detail == "203.0.113.10 is already assigned to this droplet (111); nothing to do");
  CHECK(w.http.routes() == std::vector<std::string>{kMetadataId, kGetReserved});
  CHECK(w.sleeper.sleeps().empty());
  CHECK(w.logger.contains("already-ours"));
}

TEST_CASE("assign: the token goes only into the API's Authorization header, never into a log", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {action(201, 7, "completed")});
  REQUIRE(assign_ip(w.env, w.target, 60s).outcome == Outcome::Assigned);
  const auto& requests = w.http.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].headers.empty());  // metadata: no token
  CHECK(header(requests[1], "Authorization") == "Bearer " + kToken);
  CHECK(header(requests[2], "Authorization") == "Bearer " + kToken);
  CHECK_FALSE(w.token_logged());
}

TEST_CASE("assign: 201 in-progress, then polled every second until completed", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {action(201, 72531856, "in-progress")});
  w.http.on(poll_reserved(72531856), {action(200, 72531856, "in-progress"), action(200, 72531856, "completed")});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(r.action_id == 72531856u);
  CHECK(r.detail == "203.0.113.10 assigned to droplet 111 (action 72531856)");
  CHECK(w.sleeper.sleeps() == ms({1000, 1000}));
  const auto& post = w.http.requests()[2];
  CHECK(post.body == R"({"type":"assign","droplet_id":111})");
  CHECK(header(post, "Content-Type") == "application/json");
  CHECK(w.http.count(poll_reserved(72531856)) == 2);
  CHECK(w.logger.contains("assign action 72531856 is in-progress"));
  CHECK(w.logger.contains("assign action 72531856 is completed"));
}

TEST_CASE("assign: an unassigned IP is assigned without polling when the action completes at once", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(std::nullopt)});
  w.http.on(kPostReserved, {action(201, 9, "completed")});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(w.logger.contains("203.0.113.10 is on no droplet; assigning it to droplet 111"));
  CHECK(w.sleeper.sleeps().empty());
}

TEST_CASE("assign: 422 pending event twice, re-checking the owner each time, then success", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {pending_event(), pending_event(), action(201, 5, "completed")});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(w.http.routes() == std::vector<std::string>{kMetadataId, kGetReserved, kPostReserved, kGetReserved,
                                                    kPostReserved, kGetReserved, kPostReserved});
  // Exponential backoff at the jitter's lower bound: 500ms/2, then 1s/2.
  CHECK(w.sleeper.sleeps() == ms({250, 500}));
  CHECK(w.logger.count("HTTP 422 unprocessable_entity: The floating IP already has a pending event. "
                       "(request_id req-422)") == 2);
}

TEST_CASE("assign: after a 422 or a 5xx the re-check may find the IP moved here", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet), ip_held_by(kOurDroplet)});
  SECTION("422") {
    w.http.on(kPostReserved, {pending_event()});
  }
  SECTION("502") {
    w.http.on(kPostReserved, {api_error(502, "bad_gateway", "upstream")});
  }
  const auto r = assign_ip(w.env, w.target, 60s);
  // We asked, so this is not "already ours" (which means: found here first).
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(r.detail == "203.0.113.10 assigned to droplet 111");
  CHECK(w.http.count(kPostReserved) == 1);
}

TEST_CASE("assign: 429 waits exactly Retry-After, then repeats the POST", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {api_error(429, "too_many_requests", "API Rate limit exceeded.", {{"retry-after", "3"}}),
                            action(201, 5, "completed")});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(w.sleeper.sleeps() == ms({3000}));
  // A 429 was not processed: no re-check in between.
  CHECK(w.http.routes() == std::vector<std::string>{kMetadataId, kGetReserved, kPostReserved, kPostReserved});
  CHECK(w.logger.contains("rate limited, Retry-After 3.000s"));
}

TEST_CASE("assign: 429 without Retry-After backs off instead", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {api_error(429, "too_many_requests", "slow down"), action(201, 5, "completed")});
  CHECK(assign_ip(w.env, w.target, 60s).outcome == Outcome::Assigned);
  CHECK(w.sleeper.sleeps() == ms({250}));
}

TEST_CASE("assign: a Retry-After beyond the budget gives up at once", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {api_error(429, "too_many_requests", "slow down", {{"retry-after", "30"}})});
  const auto r = assign_ip(w.env, w.target, 10s);
  CHECK(r.outcome == Outcome::BudgetExhausted);
  CHECK(exit_code(r.outcome) == ExitCode::BudgetExhausted);
  CHECK(w.sleeper.sleeps().empty());
  CHECK(w.elapsed() < 1s);
  CHECK(r.detail.find("last: HTTP 429 too_many_requests: slow down") != std::string::npos);
}

TEST_CASE("assign: 401 is fatal at once, 403 too", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  SECTION("401 on the lookup") {
    w.http.on(kGetReserved, {api_error(401, "unauthorized", "Unable to authenticate you")});
  }
  SECTION("403 on the POST") {
    w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
    w.http.on(kPostReserved, {api_error(403, "forbidden", "You do not have access for the attempted action.")});
  }
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::AuthFailed);
  CHECK(exit_code(r.outcome) == ExitCode::Auth);
  CHECK(w.sleeper.sleeps().empty());
  CHECK(r.detail.starts_with("cannot assign 203.0.113.10: authentication failed: HTTP 40"));
}

TEST_CASE("assign: a 404 on reserved_ips falls back to the legacy floating_ips", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {api_error(404, "not_found", "The resource you were accessing could not be found.")});
  w.http.on(kGetFloating, {ip_held_by(kPeerDroplet, false, "floating_ip")});
  w.http.on(kPostFloating, {action(201, 8, "in-progress")});
  w.http.on("GET /v2/floating_ips/203.0.113.10/actions/8", {action(200, 8, "completed")});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(r.kind == IpKind::Floating);
  CHECK(w.http.count(kGetReserved) == 1);
  CHECK(w.logger.contains("203.0.113.10 not found under /v2/reserved_ips; trying /v2/floating_ips"));
}

TEST_CASE("assign: a 404 on both endpoints is fatal", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {api_error(404, "not_found", "not found")});
  w.http.on(kGetFloating, {api_error(404, "not_found", "not found")});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::NotFound);
  CHECK(exit_code(r.outcome) == ExitCode::NotFound);
  CHECK(w.http.routes() == std::vector<std::string>{kMetadataId, kGetReserved, kGetFloating});
}

TEST_CASE("assign: once reserved_ips answered, a later 404 does not fall back", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {api_error(404, "not_found", "gone")});
  CHECK(assign_ip(w.env, w.target, 60s).outcome == Outcome::NotFound);
  CHECK(w.http.count(kGetFloating) == 0);
}

TEST_CASE("assign: 503s until the budget is spent end in budget-exhausted within the budget", "[floatip]") {
  World w;
  w.random.set(~std::uint64_t{0});  // pick varied, large jitter draws
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {api_error(503, "service_unavailable", "try later")});
  const auto r = assign_ip(w.env, w.target, 10s);
  CHECK(r.outcome == Outcome::BudgetExhausted);
  CHECK(w.elapsed() <= 10s);
  CHECK(w.http.count(kGetReserved) >= 4);
  CHECK(r.detail.find("budget of 10.000s exhausted after") != std::string::npos);
  CHECK(r.detail.find("last: HTTP 503 service_unavailable: try later") != std::string::npos);
  // Every request's timeout fitted in what was left of the budget.
  for (const auto& request : w.http.requests()) CHECK(request.timeout <= 10s);
}

TEST_CASE("assign: the last backoff is shortened to the budget, leaving room for one more attempt", "[floatip]") {
  World w;
  w.http.set_latency(common::Duration{0});
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {transport_error("Connection refused")});
  const auto r = assign_ip(w.env, w.target, 1500ms);
  CHECK(r.outcome == Outcome::BudgetExhausted);
  // 250ms, 500ms, then 1s shortened to 500ms so that the minimum window of
  // 250ms is left for the last attempt; after it nothing fits.
  CHECK(w.sleeper.sleeps() == ms({250, 500, 500}));
  CHECK(w.http.count(kGetReserved) == 4);
  CHECK(r.detail.find("last: transport error: Connection refused") != std::string::npos);
}

TEST_CASE("assign: request timeouts never exceed the remaining budget", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {action(201, 5, "completed")});
  REQUIRE(assign_ip(w.env, w.target, 3s).outcome == Outcome::Assigned);
  const auto& requests = w.http.requests();
  CHECK(requests[0].timeout == kMetadataTimeout);
  CHECK(requests[1].timeout == common::Duration{2950});  // 3s minus one 50ms round trip
  CHECK(requests[1].connect_timeout == common::Duration{2950});
}

TEST_CASE("assign: a locked IP is waited for, then assigned", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet, true), ip_held_by(kOurDroplet, true), ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {action(201, 5, "completed")});
  const auto r = assign_ip(w.env, w.target, 60s);
  // Ours but locked is not done: the pending action may move it away.
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(w.sleeper.sleeps() == ms({250, 500}));
  CHECK(w.logger.count("is locked by a pending action; waiting") == 2);
}

TEST_CASE("assign: an errored action is re-checked and retried once", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {action(201, 7, "in-progress"), action(201, 8, "in-progress")});
  SECTION("the retry completes") {
    w.http.on(poll_reserved(7), {action(200, 7, "errored")});
    w.http.on(poll_reserved(8), {action(200, 8, "completed")});
    const auto r = assign_ip(w.env, w.target, 60s);
    CHECK(r.outcome == Outcome::Assigned);
    CHECK(r.action_id == 8u);
    CHECK(w.logger.contains("assign action 7 errored; checking the IP again before one more try"));
  }
  SECTION("the retry errors too") {
    w.http.on(poll_reserved(7), {action(200, 7, "errored")});
    w.http.on(poll_reserved(8), {action(200, 8, "errored")});
    const auto r = assign_ip(w.env, w.target, 60s);
    CHECK(r.outcome == Outcome::ActionErrored);
    CHECK(exit_code(r.outcome) == ExitCode::ActionErrored);
    CHECK(r.detail == "cannot assign 203.0.113.10: assign action 8 errored (2 errored actions in this run)");
  }
  CHECK(w.http.count(kGetReserved) == 2);
}

TEST_CASE("assign: an errored action whose IP is ours anyway counts as assigned", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet), ip_held_by(kOurDroplet)});
  w.http.on(kPostReserved, {action(201, 7, "errored")});
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::Assigned);
  CHECK(w.http.count(kPostReserved) == 1);
}

TEST_CASE("assign: a 5xx on the POST re-checks before asking again; on a poll it polls again", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
  w.http.on(kPostReserved, {api_error(500, "server_error", "oops"), action(201, 5, "in-progress")});
  w.http.on(poll_reserved(5), {transport_error("Operation timed out"), action(200, 5, "completed")});
  CHECK(assign_ip(w.env, w.target, 60s).outcome == Outcome::Assigned);
  CHECK(w.http.routes() == std::vector<std::string>{kMetadataId, kGetReserved, kPostReserved, kGetReserved,
                                                    kPostReserved, poll_reserved(5), poll_reserved(5)});
  // Backoff restarts after the accepted POST: 250ms, poll 1s, 250ms.
  CHECK(w.sleeper.sleeps() == ms({250, 1000, 250}));
}

TEST_CASE("assign: metadata is tried three times, then the run ends", "[floatip]") {
  World w;
  SECTION("unreachable") {
    w.http.on(kMetadataId, {transport_error("Connection timed out")});
    const auto r = assign_ip(w.env, w.target, 60s);
    CHECK(r.outcome == Outcome::MetadataUnreachable);
    CHECK(exit_code(r.outcome) == ExitCode::MetadataUnreachable);
    CHECK(w.http.routes() == std::vector<std::string>{kMetadataId, kMetadataId, kMetadataId});
    CHECK(r.detail.find("no droplet id from http://169.254.169.254/metadata/v1/id") != std::string::npos);
  }
  SECTION("garbage, then an id") {
    w.http.on(kMetadataId, {text(200, "<html>"), text(200, "111")});
    w.http.on(kGetReserved, {ip_held_by(kOurDroplet)});
    CHECK(assign_ip(w.env, w.target, 60s).outcome == Outcome::AlreadyOurs);
  }
}

TEST_CASE("assign: other 4xx and undecodable bodies are unexpected responses", "[floatip]") {
  World w;
  w.http.on(kMetadataId, {text(200, "111")});
  SECTION("400") {
    w.http.on(kGetReserved, {api_error(400, "bad_request", "no")});
  }
  SECTION("a 200 that is not JSON") {
    w.http.on(kGetReserved, {text(200, "<html>maintenance</html>")});
  }
  SECTION("a 201 without an action") {
    w.http.on(kGetReserved, {ip_held_by(kPeerDroplet)});
    w.http.on(kPostReserved, {json(201, "{}")});
  }
  const auto r = assign_ip(w.env, w.target, 60s);
  CHECK(r.outcome == Outcome::UnexpectedResponse);
  CHECK(exit_code(r.outcome) == ExitCode::UnexpectedResponse);
}
