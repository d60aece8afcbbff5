// The attempt layer shared by `assign` and `status`: sends one request at a
// time within the budget, logs every attempt (method, path, HTTP code, DO
// error id/message/request_id, elapsed) and waits between attempts as the
// retry policy says. The token goes only into the Authorization header of
// API requests: never to the metadata service, never into a log line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"
#include "vrrpd/floatip/core/api_reply.h"
#include "vrrpd/floatip/core/environment.h"
#include "vrrpd/floatip/core/retry_policy.h"

namespace vrrpd::floatip {

// Per-request ceilings, further bounded by the remaining budget. Metadata
// gets short timeouts: it is link-local and answers at once or never.
inline constexpr common::Duration kRequestTimeout{10'000};
inline constexpr common::Duration kConnectTimeout{5'000};
inline constexpr common::Duration kMetadataTimeout{2'000};

// The inputs of one run.
struct Target {
  std::string ip;             // "203.0.113.10"
  std::string api_base;       // "https://api.digitalocean.com", no trailing '/'
  std::string metadata_base;  // "http://169.254.169.254", no trailing '/'
  std::string token;          // the API token; never logged
};

class ApiSession {
 public:
  ApiSession(Environment& env, Target target, common::Duration budget);

  // One authenticated API request to <path> under the API base, logged. When
  // the budget has no room for a request, a Transient reply without sending.
  Reply call(std::string_view method, const std::string& path, const std::string& body = {});
  // The droplet id from metadata /metadata/v1/id: up to <tries> attempts.
  common::Result<std::uint64_t> droplet_id(int tries);
  // Waits before retrying after <reply> (Retry-After, else backoff). False,
  // without waiting, when the budget cannot hold the wait plus an attempt.
  bool wait_to_retry(const Reply& reply);
  // Waits one jittered backoff step because of <why>; false as above.
  bool back_off(std::string_view why);
  // Waits <interval> (shortened to the budget) before polling again.
  bool pause(common::Duration interval, std::string_view why);
  // Progress was made: the next backoff starts small again.
  void note_progress() { backoff_.reset(); }

  common::Duration elapsed() const { return budget_.elapsed(env_.clock.now()); }
  common::Duration budget() const { return budget_.total(); }
  int attempts() const { return attempts_; }
  // What the last failed attempt or refused wait was about.
  const std::string& last_failure() const { return last_failure_; }
  const Target& target() const { return target_; }
  common::log::Logger& logger() { return env_.logger; }

 private:
  Reply exchange(HttpRequest request, std::string_view path);
  // Sleeps <fitted> (<wanted> as the budget allows); false when nothing fits.
  bool sleep(common::Duration wanted, std::optional<common::Duration> fitted, std::string_view why);

  Environment& env_;
  Target target_;
  Budget budget_;
  Backoff backoff_;
  int attempts_ = 0;
  std::string last_failure_;
};

}  // namespace vrrpd::floatip
