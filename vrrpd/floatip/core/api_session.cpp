#include "vrrpd/floatip/core/api_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace vrrpd::floatip {

ApiSession::ApiSession(Environment& env, Target target, common::Duration budget)
    : env_(env), target_(std::move(target)), budget_(env.clock.now(), budget) {}

Reply ApiSession::call(std::string_view method, const std::string& path, const std::string& body) {
  HttpRequest request{std::string(method), target_.api_base + path, {}, body, kConnectTimeout, kRequestTimeout};
  request.headers.emplace_back("Authorization", "Bearer " + target_.token);
  request.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return exchange(std::move(request), path);
}

common::Result<std::uint64_t> ApiSession::droplet_id(int tries) {
  const std::string path = "/metadata/v1/id";
  std::string problem = "no attempt fitted in the budget";
  for (int attempt = 1; attempt <= tries; ++attempt) {
    // No Authorization header: the token is for the API alone.
    Reply reply = exchange({"GET", target_.metadata_base + path, {}, {}, kMetadataTimeout, kMetadataTimeout}, path);
    if (reply.kind == ReplyKind::Success) {
      auto id = parse_droplet_id(reply.response->body);
      if (id) return id;
      problem = id.error().message;
      env_.logger.warning("GET {}: {}", path, problem);
    } else {
      problem = describe(reply);
    }
    if (attempt < tries && !back_off("metadata unavailable")) break;
  }
  return common::fail("no droplet id from {}{}: {}", target_.metadata_base, path, problem);
}

bool ApiSession::wait_to_retry(const Reply& reply) {
  const auto remaining = budget_.remaining(env_.clock.now());
  if (reply.kind == ReplyKind::RateLimited && reply.response) {
    if (const auto after = parse_retry_after(reply.response->header("retry-after"))) {
      return sleep(*after, mandated_within(*after, remaining),
                   fmt::format("rate limited, Retry-After {}", format_seconds(*after)));
    }
  }
  const auto wanted = backoff_.next(env_.random);
  return sleep(wanted, backoff_within(wanted, remaining), reply_kind_name(reply.kind));
}

bool ApiSession::back_off(std::string_view why) {
  last_failure_ = std::string(why);
  const auto wanted = backoff_.next(env_.random);
  return sleep(wanted, backoff_within(wanted, budget_.remaining(env_.clock.now())), why);
}

bool ApiSession::pause(common::Duration interval, std::string_view why) {
  last_failure_ = std::string(why);
  return sleep(interval, backoff_within(interval, budget_.remaining(env_.clock.now())), why);
}

Reply ApiSession::exchange(HttpRequest request, std::string_view path) {
  const auto remaining = budget_.remaining(env_.clock.now());
  if (remaining < kMinAttemptWindow) {
    // Not an attempt: last_failure_ keeps naming the real problem.
    return Reply{ReplyKind::Transient, std::nullopt, {}, "no time left in the budget"};
  }
  request.timeout = std::min(request.timeout, remaining);
  request.connect_timeout = std::min(request.connect_timeout, request.timeout);
  ++attempts_;
  Reply reply = make_reply(env_.http.send(request));
  const std::string text = describe(reply);
  const auto level = reply.kind == ReplyKind::Success ? common::log::Level::Info : common::log::Level::Warning;
  env_.logger.logf(level, "{} {}: {} (attempt {}, {} elapsed)", request.method, path, text, attempts_,
                   format_seconds(elapsed()));
  if (reply.kind != ReplyKind::Success) last_failure_ = text;
  return reply;
}

bool ApiSession::sleep(common::Duration wanted, std::optional<common::Duration> fitted, std::string_view why) {
  if (!fitted) {
    env_.logger.warning("giving up ({}): waiting {} leaves no time for another attempt ({} of the {} budget left)", why,
                        format_seconds(wanted), format_seconds(budget_.remaining(env_.clock.now())),
                        format_seconds(budget_.total()));
    return false;
  }
  env_.logger.info("waiting {} before the next attempt ({})", format_seconds(*fitted), why);
  env_.sleeper.sleep_for(*fitted);
  return true;
}

}  // namespace vrrpd::floatip
