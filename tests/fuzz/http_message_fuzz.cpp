// HTTP message heads and chunked bodies: never crash or read out of bounds;
// a message fed in one call and fed in pieces at split points drawn from the
// input must give the same result; a Done head ends with its empty line and
// its views lie inside the buffer; framing and keep-alive are consistent.
// The first byte selects the target: % 3 == 0 a request (whose chunked body,
// if any, is then scanned), 1 a response (to a HEAD request when bit 0 of
// byte / 3 is set), 2 a bare chunked body.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "proxyd/core/http/message_head.h"

namespace {

using namespace proxyd::http;
using Status = HeadResult::Status;
using ChunkStatus = ChunkedScanner::Result::Status;

void require(bool condition) {
  if (!condition) std::abort();
}

// Small limits so the fuzzer reaches them quickly.
constexpr HeadLimits kLimits{512, 8};
constexpr std::size_t kMaxTrailer = 64;

// Split points drawn from the input itself (a small LCG seeded by its bytes),
// so a corpus file always replays the same way.
std::vector<std::size_t> split_points(std::string_view input) {
  std::uint32_t state = 2166136261u;
  for (const char c : input) state = (state ^ static_cast<unsigned char>(c)) * 16777619u;
  std::vector<std::size_t> points;
  std::size_t at = 0;
  while (at < input.size()) {
    state = state * 1103515245u + 12345u;
    at += 1 + (state >> 16) % 17;
    points.push_back(std::min(at, input.size()));
  }
  return points;
}

bool inside(std::string_view view, std::string_view buffer) {
  return view.empty() || (view.data() >= buffer.data() && view.data() + view.size() <= buffer.data() + buffer.size());
}

void check_head(const HeadResult& r, const HeadParser& parser, std::string_view buffer) {
  require(r.consumed <= buffer.size());
  if (r.status == Status::Error) {
    require(!r.error.empty());
    require(r.http_status == 400 || r.http_status == 431 || r.http_status == 501 || r.http_status == 505);
    return;
  }
  if (r.status == Status::NeedMore) {
    require(buffer.size() <= kLimits.max_head_bytes);
    return;
  }
  require(r.consumed >= 4 && r.consumed <= kLimits.max_head_bytes);
  require(buffer.substr(r.consumed - 4, 4) == "\r\n\r\n");
  const auto& h = parser.head();
  require(h.version_minor == 0 || h.version_minor == 1);
  require(h.headers.size() <= kLimits.max_headers);
  require(inside(h.method, buffer) && inside(h.target, buffer) && inside(h.reason, buffer));
  for (const auto& field : h.headers) require(inside(field.name, buffer) && inside(field.value, buffer));
  require(h.framing == BodyFraming::ContentLength || h.content_length == 0);
  require(h.framing != BodyFraming::UntilClose || !h.keep_alive);
  require(h.path().size() + (h.query().empty() ? 0 : h.query().size() + 1) <= h.target.size());
}

void fuzz_head(MessageKind kind, bool head_request, std::string_view input) {
  HeadParser whole(kind, kLimits);
  if (head_request) whole.set_request_method("HEAD");
  const auto at_once = whole.parse(input);
  check_head(at_once, whole, input);
  HeadParser pieces(kind, kLimits);
  if (head_request) pieces.set_request_method("HEAD");
  HeadResult split;
  for (const auto end : split_points(input)) {
    split = pieces.parse(input.substr(0, end));
    if (split.status != Status::NeedMore) break;
  }
  require(at_once.status == split.status && at_once.consumed == split.consumed);
  require(at_once.error == split.error && at_once.http_status == split.http_status);
  if (at_once.status != Status::Done) return;
  require(whole.head().headers.size() == pieces.head().headers.size());
  require(whole.head().framing == pieces.head().framing && whole.head().keep_alive == pieces.head().keep_alive);
  if (whole.head().framing == BodyFraming::Chunked) {
    ChunkedScanner scanner(kMaxTrailer);
    const auto body = scanner.feed(input.substr(at_once.consumed));
    require(body.consumed <= input.size() - at_once.consumed);
  }
}

void fuzz_chunked(std::string_view input) {
  ChunkedScanner whole(kMaxTrailer);
  std::string decoded_whole;
  const auto at_once = whole.feed(input, &decoded_whole);
  require(at_once.consumed <= input.size());
  require(at_once.status != ChunkStatus::NeedMore || at_once.consumed == input.size());
  require(at_once.status != ChunkStatus::Error || !at_once.error.empty());
  require(whole.data_bytes() == decoded_whole.size());
  ChunkedScanner pieces(kMaxTrailer);
  std::string decoded_pieces;
  ChunkedScanner::Result split;
  std::size_t consumed = 0;
  std::size_t start = 0;
  for (const auto end : split_points(input)) {
    split = pieces.feed(input.substr(start, end - start), &decoded_pieces);
    consumed += split.consumed;
    start = end;
    if (split.status != ChunkStatus::NeedMore) break;
  }
  if (input.empty()) split = pieces.feed(input);
  require(at_once.status == split.status && at_once.error == split.error);
  require(at_once.consumed == consumed && decoded_whole == decoded_pieces);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      fuzz_head(MessageKind::Request, false, input);
      break;
    case 1:
      fuzz_head(MessageKind::Response, (data[0] / 3) & 1, input);
      break;
    default:
      fuzz_chunked(input);
      break;
  }
  return 0;
}
