// HTTP request-head parser: never crash or read out of bounds; parsing all
// at once and byte by byte must agree (status, error, bytes consumed and the
// request); the consumed bytes of a Done are exactly the head; and a parsed
// request, written back out canonically, parses to the same request.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "proxyd/core/http/request_parser.h"

namespace {

using namespace proxyd::http;
using Status = ParseResult::Status;

void require(bool condition) {
  if (!condition) std::abort();
}

// Small limits so the fuzzer reaches them quickly.
constexpr Limits kLimits{512, 8, 4096};

ParseResult parse_whole(std::span<const std::uint8_t> input, RequestParser& parser) {
  const auto result = parser.feed(input);
  require(result.consumed <= input.size());
  require(result.status != Status::NeedMore || result.consumed == input.size());
  require(result.status != Status::Error || (result.http_status >= 400 && !result.error.empty()));
  return result;
}

ParseResult parse_bytewise(std::span<const std::uint8_t> input, RequestParser& parser, std::size_t& used) {
  ParseResult result;
  used = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    result = parser.feed(input.subspan(i, 1));
    used += result.consumed;
    if (result.status != Status::NeedMore) break;
    require(result.consumed == 1);
  }
  return result;
}

bool same(const Request& a, const Request& b) {
  if (a.method != b.method || a.target != b.target || a.version_minor != b.version_minor ||
      a.content_length != b.content_length || a.chunked != b.chunked || a.headers.size() != b.headers.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) return false;
  }
  return true;
}

std::string write_out(const Request& request) {
  std::string out = request.method + " " + request.target + " HTTP/1." + std::to_string(request.version_minor) + "\r\n";
  for (const auto& h : request.headers) out += h.name + ": " + h.value + "\r\n";
  return out + "\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  RequestParser whole(kLimits);
  const auto at_once = parse_whole(input, whole);
  RequestParser bytewise(kLimits);
  std::size_t used = 0;
  const auto one_by_one = parse_bytewise(input, bytewise, used);
  require(at_once.status == one_by_one.status);
  require(at_once.error == one_by_one.error);
  require(at_once.http_status == one_by_one.http_status);
  if (at_once.status != Status::Done) return 0;
  require(at_once.consumed == used && whole.head_length() == used);
  require(same(whole.request(), bytewise.request()));
  // The head ends with an empty line.
  require(used >= 4 && data[used - 1] == '\n' && data[used - 2] == '\r' && data[used - 3] == '\n');
  const auto canonical = write_out(whole.request());
  RequestParser again(Limits{canonical.size() + 1, kLimits.max_headers, kLimits.max_body_bytes});
  const auto reparsed = again.feed({reinterpret_cast<const std::uint8_t*>(canonical.data()), canonical.size()});
  require(reparsed.status == Status::Done && reparsed.consumed == canonical.size());
  require(same(whole.request(), again.request()));
  return 0;
}
