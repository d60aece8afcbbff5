#include "proxyd/core/health/http_check.h"

#include <fmt/format.h>

namespace proxyd::health {

std::string build_check_request(const config::HttpCheck& check) {
  std::string out = fmt::format("{} {} HTTP/1.{}\r\n", check.method, check.path, check.version_minor);
  if (!check.host.empty()) out += fmt::format("Host: {}\r\n", check.host);
  out += "Connection: close\r\nUser-Agent: proxyd-health\r\n\r\n";
  return out;
}

// RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF.
// A bare LF ending is accepted, as recipients may (RFC 9112 2.2).
std::optional<StatusLine> parse_status_line(std::string_view response) {
  const auto eol = response.find('\n');
  if (eol == std::string_view::npos) return std::nullopt;
  auto line = response.substr(0, eol);
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.size() < 12 || !line.starts_with("HTTP/1.")) return std::nullopt;
  const char minor = line[7];
  if (minor < '0' || minor > '9' || line[8] != ' ') return std::nullopt;
  if (line.size() > 12 && line[12] != ' ') return std::nullopt;
  int code = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return std::nullopt;
    code = code * 10 + (line[i] - '0');
  }
  if (code < 100) return std::nullopt;
  const auto reason = line.size() > 13 ? line.substr(13) : std::string_view{};
  return StatusLine{code, reason};
}

namespace {

CheckResult invalid(std::string info, int code = 0) {
  return CheckResult{CheckStatus::Layer7InvalidResponse, std::move(info), {}, code};
}

bool body_contains(std::string_view response, std::string_view text) {
  const auto head_end = response.find("\r\n\r\n");
  return head_end != std::string_view::npos && response.substr(head_end + 4).find(text) != std::string_view::npos;
}

CheckResult judge_status(const config::CheckExpect& expect, const StatusLine& status) {
  if (status.code >= expect.status_min && status.code <= expect.status_max) {
    return CheckResult{CheckStatus::Layer7Ok, {}, {}, status.code};
  }
  return CheckResult{CheckStatus::Layer7WrongStatus, std::string(status.reason), {}, status.code};
}

}  // namespace

CheckResult evaluate_check_response(const config::CheckExpect& expect, std::string_view response, ResponseEnd end) {
  const auto status = parse_status_line(response);
  if (end == ResponseEnd::Timeout &&
      (!status || (expect.kind == config::CheckExpect::Kind::String && !body_contains(response, expect.text)))) {
    return CheckResult{CheckStatus::Layer7Timeout, "check timeout", {}, status ? status->code : 0};
  }
  if (response.empty()) return invalid("empty response");
  if (!status) {
    return invalid(response.find('\n') == std::string_view::npos && response.size() < kMaxCheckResponse
                       ? "truncated status line"
                       : "not an HTTP/1 status line");
  }
  switch (expect.kind) {
    case config::CheckExpect::Kind::Status:
      return judge_status(expect, *status);
    case config::CheckExpect::Kind::String: {
      const auto head_end = response.find("\r\n\r\n");
      if (head_end == std::string_view::npos) return invalid("truncated response headers", status->code);
      const auto body = response.substr(head_end + 4);
      if (body.find(expect.text) == std::string_view::npos) {
        return invalid("HTTP content check did not match", status->code);
      }
      return CheckResult{CheckStatus::Layer7Ok, {}, {}, status->code};
    }
  }
  return invalid("unknown expectation");
}

bool response_is_decisive(const config::CheckExpect& expect, std::string_view response) {
  switch (expect.kind) {
    case config::CheckExpect::Kind::Status:
      return parse_status_line(response).has_value();
    case config::CheckExpect::Kind::String:
      return body_contains(response, expect.text);
  }
  return false;
}

}  // namespace proxyd::health
