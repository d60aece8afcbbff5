// One API attempt, classified by what the retry policy does with it
// (FEATURES.md 4.2 step 5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vrrpd/floatip/core/do_responses.h"
#include "vrrpd/floatip/core/http_client.h"

namespace vrrpd::floatip {

enum class ReplyKind {
  Success,      // 2xx
  Busy,         // 422: the IP or droplet has a pending event; re-check, then retry
  RateLimited,  // 429: wait Retry-After, else back off
  Transient,    // 5xx, 408, transport errors and timeouts: back off
  Auth,         // 401, 403: fatal, a retry cannot fix the token
  NotFound,     // 404: fatal (after the floating_ips fallback)
  Unexpected,   // any other status, or a 2xx body that does not decode: fatal
};

struct Reply {
  ReplyKind kind = ReplyKind::Transient;
  std::optional<HttpResponse> response;  // empty after a transport error
  ApiError error;                        // DO error fields of a non-2xx body
  std::string detail;                    // transport error or decode problem
};

// The kind of an HTTP status code.
ReplyKind classify_status(int status);
// Builds the Reply of a finished exchange.
Reply make_reply(common::Result<HttpResponse> exchange);
// "HTTP 422 unprocessable_entity: The floating IP already has a pending
// event. (request_id 7f0c…)" or "transport error: …": for logs and results.
std::string describe(const Reply& reply);
// Whether the policy waits and tries again after <kind>.
bool is_retryable(ReplyKind kind);
// "busy", "rate-limited", "transient failure", ...: why a wait happens.
std::string_view reply_kind_name(ReplyKind kind);

}  // namespace vrrpd::floatip
