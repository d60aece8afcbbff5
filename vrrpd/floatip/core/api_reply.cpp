#include "vrrpd/floatip/core/api_reply.h"

#include <fmt/format.h>

namespace vrrpd::floatip {

ReplyKind classify_status(int status) {
  if (status >= 200 && status < 300) return ReplyKind::Success;
  if (status == 401 || status == 403) return ReplyKind::Auth;
  if (status == 404) return ReplyKind::NotFound;
  if (status == 422) return ReplyKind::Busy;
  if (status == 429) return ReplyKind::RateLimited;
  if (status == 408 || status >= 500) return ReplyKind::Transient;
  return ReplyKind::Unexpected;
}

Reply make_reply(common::Result<HttpResponse> exchange) {
  Reply reply;
  if (!exchange) {
    reply.kind = ReplyKind::Transient;
    reply.detail = exchange.error().describe();
    return reply;
  }
  reply.kind = classify_status(exchange->status);
  if (reply.kind != ReplyKind::Success) reply.error = parse_api_error(exchange->body);
  reply.response = std::move(*exchange);
  return reply;
}

std::string describe(const Reply& reply) {
  if (!reply.response) return fmt::format("transport error: {}", reply.detail);
  std::string out = fmt::format("HTTP {}", reply.response->status);
  if (!reply.error.id.empty()) out += fmt::format(" {}", reply.error.id);
  if (!reply.error.message.empty()) out += fmt::format(": {}", reply.error.message);
  if (!reply.error.request_id.empty()) out += fmt::format(" (request_id {})", reply.error.request_id);
  if (!reply.detail.empty()) out += fmt::format(" ({})", reply.detail);
  return out;
}

bool is_retryable(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::Busy:
    case ReplyKind::RateLimited:
    case ReplyKind::Transient:
      return true;
    case ReplyKind::Success:
    case ReplyKind::Auth:
    case ReplyKind::NotFound:
    case ReplyKind::Unexpected:
      return false;
  }
  return false;
}

std::string_view reply_kind_name(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::Success:
      return "success";
    case ReplyKind::Busy:
      return "busy";
    case ReplyKind::RateLimited:
      return "rate-limited";
    case ReplyKind::Transient:
      return "transient failure";
    case ReplyKind::Auth:
      return "authentication failed";
    case ReplyKind::NotFound:
      return "not found";
    case ReplyKind::Unexpected:
      return "unexpected response";
  }
  return "?";
}

}  // namespace vrrpd::floatip
