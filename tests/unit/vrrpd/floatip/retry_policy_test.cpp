// The retry policy: jittered exponential backoff, Retry-After, and waits
// that never outlast the budget.
#include "vrrpd/floatip/core/retry_policy.h"

#include <catch2/catch.hpp>

#include "unit/vrrpd/floatip/scripted_world.h"
#include "vrrpd/floatip/core/api_reply.h"

using namespace floatip_test;
using namespace vrrpd::floatip;
using common::Duration;

TEST_CASE("backoff doubles from 500ms to 8s, jittered within [d/2, d]", "[floatip]") {
  FixedRandom low(0);
  Backoff backoff;
  std::vector<Duration> lows;
  for (int i = 0; i < 7; ++i) lows.push_back(backoff.next(low));
  CHECK(lows == std::vector<Duration>{Duration{250}, Duration{500}, Duration{1000}, Duration{2000}, Duration{4000},
                                      Duration{4000}, Duration{4000}});

  // The largest draw for each ceiling d is d itself (value % (d/2 + 1) == d/2).
  Backoff top;
  const std::vector<Duration> ceilings{Duration{500}, Duration{1000}, Duration{2000}, Duration{4000}, Duration{8000}};
  for (const auto ceiling : ceilings) {
    FixedRandom high(static_cast<std::uint64_t>(ceiling.count() / 2));
    CHECK(top.next(high) == ceiling);
  }

  top.reset();
  FixedRandom any(0x9e3779b97f4a7c15ULL);
  for (const auto ceiling : ceilings) {
    const auto d = top.next(any);
    CHECK(d >= ceiling / 2);
    CHECK(d <= ceiling);
  }
}

TEST_CASE("waits are fitted to the budget, leaving room for one more attempt", "[floatip]") {
  // A backoff may be shortened...
  CHECK(backoff_within(Duration{1000}, Duration{10'000}) == Duration{1000});
  CHECK(backoff_within(Duration{1000}, Duration{750}) == Duration{500});
  CHECK_FALSE(backoff_within(Duration{1000}, kMinAttemptWindow));
  CHECK_FALSE(backoff_within(Duration{1000}, Duration{0}));
  // ...a Retry-After may not: the server would refuse an early retry.
  CHECK(mandated_within(Duration{1000}, Duration{1250}) == Duration{1000});
  CHECK_FALSE(mandated_within(Duration{1000}, Duration{1249}));
  CHECK(mandated_within(Duration{0}, Duration{300}) == Duration{0});
}

TEST_CASE("Retry-After is read as delta-seconds", "[floatip]") {
  CHECK(parse_retry_after("1") == Duration{1000});
  CHECK(parse_retry_after(" 30 ") == Duration{30'000});
  CHECK(parse_retry_after("0") == Duration{0});
  // HTTP-dates and junk fall back to the backoff.
  for (const char* v : {"", "soon", "-1", "1.5", "Wed, 21 Oct 2026 07:28:00 GMT", "999999999"}) {
    INFO(v);
    CHECK_FALSE(parse_retry_after(v));
  }
}

TEST_CASE("the budget counts down on the injected clock and stops at zero", "[floatip]") {
  common::ManualClock clock;
  const Budget budget(clock.now(), Duration{2000});
  clock.advance(std::chrono::milliseconds(1500));
  CHECK(budget.remaining(clock.now()) == Duration{500});
  CHECK(budget.elapsed(clock.now()) == Duration{1500});
  clock.advance(std::chrono::seconds(5));
  CHECK(budget.remaining(clock.now()) == Duration{0});
}

TEST_CASE("HTTP statuses map to what the policy does", "[floatip]") {
  CHECK(classify_status(200) == ReplyKind::Success);
  CHECK(classify_status(201) == ReplyKind::Success);
  CHECK(classify_status(401) == ReplyKind::Auth);
  CHECK(classify_status(403) == ReplyKind::Auth);
  CHECK(classify_status(404) == ReplyKind::NotFound);
  CHECK(classify_status(422) == ReplyKind::Busy);
  CHECK(classify_status(429) == ReplyKind::RateLimited);
  CHECK(classify_status(408) == ReplyKind::Transient);
  CHECK(classify_status(500) == ReplyKind::Transient);
  CHECK(classify_status(503) == ReplyKind::Transient);
  CHECK(classify_status(400) == ReplyKind::Unexpected);
  CHECK(classify_status(301) == ReplyKind::Unexpected);
  CHECK(is_retryable(ReplyKind::Busy));
  CHECK_FALSE(is_retryable(ReplyKind::Auth));
}

TEST_CASE("a reply is described with the DO error fields, or the transport error", "[floatip]") {
  const auto busy = make_reply(pending_event());
  CHECK(busy.kind == ReplyKind::Busy);
  CHECK(describe(busy) ==
        "HTTP 422 unprocessable_entity: The floating IP already has a pending event. (request_id req-422)");
  CHECK(describe(make_reply(text(502, "<html>bad gateway</html>"))) == "HTTP 502");
  const auto down = make_reply(transport_error("Couldn't connect to server"));
  CHECK(down.kind == ReplyKind::Transient);
  CHECK(describe(down) == "transport error: Couldn't connect to server");
}
