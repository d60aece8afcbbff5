#include "proxyd/core/health/health_log.h"

#include <catch2/catch.hpp>

using namespace proxyd::health;
using namespace std::chrono_literals;

namespace {

HealthTransition transition(ServerHealth to, CheckResult cause) {
  const auto from = to == ServerHealth::Up ? ServerHealth::Down : ServerHealth::Up;
  return HealthTransition{from, to, std::move(cause), common::TimePoint{}, 0ms};
}

}  // namespace

TEST_CASE("a server going down is logged like HAProxy", "[proxyd][health]") {
  const auto t = transition(ServerHealth::Down, {CheckStatus::Layer4ConnectionProblem, "Connection refused", 1ms});
  CHECK(format_transition("app_pool", "web1", false, t, {1, 1, 0, 0, 0}) ==
        "Server app_pool/web1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
        "check duration: 1ms. 1 active and 1 backup servers left. 0 sessions active, 0 requeued, "
        "0 remaining in queue.");
}

TEST_CASE("a server coming up is logged like HAProxy", "[proxyd][health]") {
  const auto t = transition(ServerHealth::Up, {CheckStatus::Layer4Ok, "", 0ms});
  CHECK(format_transition("app_pool", "web1", false, t, {2, 1, 0, 0, 0}) ==
        "Server app_pool/web1 is UP, reason: Layer4 check passed, check duration: 0ms. "
        "2 active and 1 backup servers online. 0 sessions requeued, 0 total in queue.");
}

TEST_CASE("the counts, the backup prefix and running on backup appear", "[proxyd][health]") {
  const auto t = transition(ServerHealth::Down, {CheckStatus::Layer4Timeout, "", 2001ms});
  CHECK(format_transition("be", "web2", false, t, {0, 2, 7, 3, 4}) ==
        "Server be/web2 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 0 active and 2 backup servers "
        "left. Running on backup. 7 sessions active, 3 requeued, 4 remaining in queue.");
  const auto up = transition(ServerHealth::Up, {CheckStatus::Layer4Ok, "", 3ms});
  CHECK(format_transition("be", "sorry", true, up, {0, 1, 0, 5, 6}) ==
        "Backup Server be/sorry is UP, reason: Layer4 check passed, check duration: 3ms. 0 active and 1 backup "
        "servers online. Running on backup. 5 sessions requeued, 6 total in queue.");
}

TEST_CASE("check info is escaped for the quoted field", "[proxyd][health]") {
  CHECK(log_escape("Connection refused") == "Connection refused");
  CHECK(log_escape("a\"b<c>\n\x7f\xff") == "a<22>b<3C>c<3E><0A><7F><FF>");
  const auto t = transition(ServerHealth::Down, {CheckStatus::SocketError, "bad \"fd\"", 0ms});
  CHECK(format_transition("b", "s", false, t, {}) ==
        "Server b/s is DOWN, reason: Socket error, info: \"bad <22>fd<22>\", check duration: 0ms. 0 active and 0 "
        "backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.");
}

TEST_CASE("the last server going down raises the no-server alert", "[proxyd][health]") {
  CHECK(format_no_server_available("app_pool") == "backend app_pool has no server available!");
}
