#include "proxyd/core/health/observe.h"

#include <catch2/catch.hpp>

#include "proxyd/core/health/check_scheduler.h"

using namespace proxyd::health;
using namespace std::chrono_literals;

namespace {
const common::TimePoint kStart = common::TimePoint{} + 1h;
}  // namespace

TEST_CASE("observe judges statuses as HAProxy: 5xx but 501 and 505 are errors", "[proxyd][health][observe]") {
  CHECK(observe_status(200) == Observation::HttpOk);
  CHECK(observe_status(404) == Observation::HttpOk);
  CHECK(observe_status(500) == Observation::HttpWrongStatus);
  CHECK(observe_status(503) == Observation::HttpWrongStatus);
  CHECK(observe_status(501) == Observation::HttpOk);
  CHECK(observe_status(505) == Observation::HttpOk);
  CHECK(describe(Observation::HttpWrongStatus) == "Wrong http response");
  CHECK(describe(Observation::Layer4Error) == "L4 unsuccessful connection");
}

TEST_CASE("observe=layer4 judges connections only; layer7 judges everything", "[proxyd][health][observe]") {
  CHECK(observes(ObserveMode::Layer4, Observation::Layer4Error));
  CHECK_FALSE(observes(ObserveMode::Layer4, Observation::HttpWrongStatus));
  CHECK(observes(ObserveMode::Layer7, Observation::HttpWrongStatus));
  CHECK(observes(ObserveMode::Layer7, Observation::Layer4Error));
  CHECK_FALSE(observes(ObserveMode::Layer7, Observation::Layer4Ok));  // a connect clears no run of 5xx
  CHECK(observes(ObserveMode::Layer4, Observation::Layer4Ok));
  CHECK_FALSE(observes(ObserveMode::None, Observation::Layer4Error));
  CHECK(is_error(Observation::HttpReadTimeout));
  CHECK_FALSE(is_error(Observation::HttpOk));
}

TEST_CASE("the words of observe and on_error", "[proxyd][health][observe]") {
  CHECK(parse_observe("layer7").value() == ObserveMode::Layer7);
  CHECK_FALSE(parse_observe("layer5"));
  CHECK(parse_on_error("sudden_death").value() == OnError::SuddenDeath);
  CHECK(parse_on_error("mark_down").value() == OnError::MarkDown);
  CHECK(parse_on_error("bogus").error().message ==
        "on_error: expected fastinter, fail_check, sudden_death or mark_down, got 'bogus'");
  const auto result = analyze_result(10, Observation::HttpWrongStatus);
  CHECK(result.status == CheckStatus::HealthAnalyze);
  CHECK(describe(result.status) == "Health analyze");
  CHECK(result.info == "Detected 10 consecutive errors, last one was: Wrong http response");
}

TEST_CASE("on_error actions move the rise/fall state machine", "[proxyd][health][observe]") {
  const auto cause = analyze_result(10, Observation::Layer4Error);
  SECTION("fail_check counts as one failed check") {
    HealthCheck state(2, 3, kStart);
    CHECK_FALSE(apply_on_error(state, OnError::FailCheck, cause, kStart + 1s));
    CHECK(state.consecutive_failures() == 1);
    CHECK_FALSE(apply_on_error(state, OnError::FailCheck, cause, kStart + 2s));
    const auto down = apply_on_error(state, OnError::FailCheck, cause, kStart + 3s);
    REQUIRE(down);
    CHECK(down->to == ServerHealth::Down);
  }
  SECTION("sudden_death leaves the server one failed check from DOWN") {
    HealthCheck state(2, 3, kStart);
    CHECK_FALSE(apply_on_error(state, OnError::SuddenDeath, cause, kStart + 1s));
    CHECK(state.is_up());
    CHECK(state.consecutive_failures() == 2);
    const auto down = state.record({CheckStatus::Layer4ConnectionProblem, "", {}, 0}, kStart + 2s);
    REQUIRE(down);
    CHECK(down->to == ServerHealth::Down);
  }
  SECTION("mark_down is DOWN at once; checks bring it back after rise successes") {
    HealthCheck state(2, 3, kStart);
    const auto down = apply_on_error(state, OnError::MarkDown, cause, kStart + 1s);
    REQUIRE(down);
    CHECK(down->cause.status == CheckStatus::HealthAnalyze);
    CHECK_FALSE(apply_on_error(state, OnError::MarkDown, cause, kStart + 2s));  // already DOWN
    CHECK_FALSE(state.record({CheckStatus::Layer4Ok, "", {}, 0}, kStart + 3s));
    const auto up = state.record({CheckStatus::Layer4Ok, "", {}, 0}, kStart + 4s);
    REQUIRE(up);
    CHECK(up->to == ServerHealth::Up);
  }
  SECTION("fastinter changes no state") {
    HealthCheck state(2, 3, kStart);
    CHECK_FALSE(apply_on_error(state, OnError::FastInter, cause, kStart + 1s));
    CHECK(state.consecutive_failures() == 0);
  }
}

TEST_CASE("hurry brings a server's next check forward, never back", "[proxyd][health][observe]") {
  CheckScheduler scheduler(std::vector<common::Duration>{10s, 10s}, kStart);
  (void)scheduler.take_due(kStart);  // server 0 is running; server 1 is due at +5s
  scheduler.hurry(1, kStart + 1s);
  CHECK(scheduler.next_check(1) == kStart + 1s);
  scheduler.hurry(1, kStart + 3s);  // later than already planned: unchanged
  CHECK(scheduler.next_check(1) == kStart + 1s);
  scheduler.hurry(0, kStart + 1s);  // running: nothing
  CHECK_FALSE(scheduler.next_check(0));
}
