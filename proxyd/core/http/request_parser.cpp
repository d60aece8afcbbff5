#include "proxyd/core/http/request_parser.h"

#include <algorithm>

#include "common/core/text.h"

namespace proxyd::http {
namespace {

using Status = ParseResult::Status;

// True when <head> holds no complete request line within <limit> bytes
// (empty lines before it do not count): the target is what is too long.
bool request_line_unfinished(std::string_view head, std::size_t limit) {
  head = head.substr(0, limit);
  while (head.starts_with("\r\n")) head.remove_prefix(2);
  return !head.empty() && head.find("\r\n") == std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (common::text::iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::string_view Request::path() const {
  const std::string_view t(target);
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  const std::string_view t(target);
  const auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

RequestParser::RequestParser(Limits limits)
    : limits_(limits), parser_(MessageKind::Request, {limits.max_head_bytes, limits.max_headers}) {
  buffer_.reserve(limits_.max_head_bytes + 1);
}

void RequestParser::reset() {
  parser_.reset();
  buffer_.clear();  // keeps the capacity
  request_ = {};
  final_ = {};
  head_length_ = 0;
}

ParseResult RequestParser::fail(std::size_t consumed, int http_status, std::string_view reason) {
  final_ = {Status::Error, 0, reason, http_status};
  return {Status::Error, consumed, reason, http_status};
}

void RequestParser::copy_request(const MessageHead& head) {
  request_.method = std::string(head.method);
  request_.target = std::string(head.target);
  request_.version_minor = head.version_minor;
  for (const auto& field : head.headers)
    request_.headers.push_back({std::string(field.name), std::string(field.value)});
  request_.content_length = head.content_length;
  request_.chunked = head.framing == BodyFraming::Chunked;
}

ParseResult RequestParser::feed(std::span<const std::uint8_t> bytes) {
  if (final_.status != Status::NeedMore) return final_;
  const std::size_t before = buffer_.size();
  // HeadParser never looks past max_head_bytes + 1 bytes.
  const std::size_t keep = std::min(bytes.size(), limits_.max_head_bytes + 1 - before);
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), keep);
  const auto r = parser_.parse(buffer_);
  switch (r.status) {
    case HeadResult::Status::NeedMore:
      head_length_ = buffer_.size();
      return {Status::NeedMore, bytes.size(), {}, 0};
    case HeadResult::Status::Error:
      if (r.http_status == 431 && buffer_.size() > limits_.max_head_bytes) {
        const std::size_t at_limit = limits_.max_head_bytes - before;
        if (request_line_unfinished(buffer_, limits_.max_head_bytes)) {
          return fail(at_limit, 414, "request line too long");
        }
        return fail(at_limit, 431, r.error);
      }
      return fail(bytes.size(), r.http_status, r.error);
    case HeadResult::Status::Done:
      break;
  }
  head_length_ = r.consumed;
  copy_request(parser_.head());
  if (request_.content_length > limits_.max_body_bytes) return fail(r.consumed - before, 413, "request body too large");
  final_ = {Status::Done, 0, {}, 0};
  return {Status::Done, r.consumed - before, {}, 0};
}

}  // namespace proxyd::http
