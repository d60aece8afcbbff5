// Capture slots: `capture_request_header`, `declare_capture` and the
// `capture` action of http_request/http_response (HAProxy's `capture request
// header`, `declare capture`, `http-request capture`), numbered as HAProxy
// numbers them: in declaration order, one list per direction.
#include <fmt/format.h>

#include <algorithm>

#include "common/core/text.h"
#include "proxyd/core/config/http_config.h"

namespace proxyd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;

namespace {

constexpr auto kLenUsage = "expected {}len N (1..65536)";

Result<std::size_t> parse_len(std::string_view word, std::string_view prefix) {
  const auto len = cfg::parse_uint(word, 1, 65536);
  if (!len) return fail(kLenUsage, prefix);
  return static_cast<std::size_t>(*len);
}

bool is_len_capture(const http::HttpAction& a) {
  return a.kind == http::HttpAction::Kind::Capture && a.capture_len != 0 && !a.capture_id;
}

// The slots of one direction: <headers> (replaced by every slot, in line
// order), the declared ones, and the `len` captures of <rules>.
void number_slots(std::vector<CaptureHeader>& headers, std::span<const DeclaredCapture> declared, bool response,
                  std::vector<http::HttpAction>& rules) {
  struct Slot {
    CaptureHeader capture;
    http::HttpAction* rule = nullptr;
  };
  std::vector<Slot> slots;
  for (auto& h : headers) slots.push_back({std::move(h), nullptr});
  for (const auto& d : declared) {
    if (d.response == response) slots.push_back({{"", d.len, d.line}, nullptr});
  }
  for (auto& a : rules) {
    if (is_len_capture(a)) slots.push_back({{"", a.capture_len, a.line}, &a});
  }
  std::stable_sort(slots.begin(), slots.end(),
                   [](const Slot& a, const Slot& b) { return a.capture.line < b.capture.line; });
  headers.clear();
  for (auto& s : slots) {
    if (s.rule != nullptr) s.rule->capture_id = headers.size();
    headers.push_back(std::move(s.capture));
  }
}

void check_ids(const cfg::IniDocument& doc, const Frontend& f, const std::vector<http::HttpAction>& rules,
               std::size_t slots, std::string_view direction, cfg::Diagnostics& diagnostics) {
  for (const auto& a : rules) {
    if (a.kind != http::HttpAction::Kind::Capture || !a.capture_id || *a.capture_id < slots) continue;
    diagnostics.error(doc.at(a.line),
                      fmt::format("capture id {}: frontend '{}' has {} {} capture slot{} (ids from 0; "
                                  "declare_capture = {} len N adds one)",
                                  *a.capture_id, f.name, slots, direction, slots == 1 ? "" : "s", direction));
  }
}

}  // namespace

Result<CaptureHeader> parse_capture_header(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.size() != 3 || words[1] != "len") return fail(kLenUsage, "NAME ");
  auto len = parse_len(words[2], "NAME ");
  if (!len) return tl::unexpected(len.error());
  return CaptureHeader{std::string(words[0]), *len, 0};
}

Result<DeclaredCapture> parse_declare_capture(std::string_view value) {
  const auto words = common::text::split_words(value);
  constexpr auto kPrefix = "request|response ";
  if (words.size() != 3 || (words[0] != "request" && words[0] != "response") || words[1] != "len")
    return fail(kLenUsage, kPrefix);
  auto len = parse_len(words[2], kPrefix);
  if (!len) return tl::unexpected(len.error());
  return DeclaredCapture{words[0] == "response", *len, 0};
}

void number_captures(const cfg::IniDocument& doc, Frontend& f, std::span<const DeclaredCapture> declared,
                     cfg::Diagnostics& diagnostics) {
  std::vector<http::HttpAction> no_rules;
  number_slots(f.capture_request_headers, declared, false, f.http_request);
  number_slots(f.capture_response_headers, declared, true, no_rules);
  check_ids(doc, f, f.http_request, f.capture_request_headers.size(), "request", diagnostics);
  check_ids(doc, f, f.http_response, f.capture_response_headers.size(), "response", diagnostics);
}

void check_backend_captures(const cfg::IniDocument& doc, const Backend& b, cfg::Diagnostics& diagnostics) {
  for (const auto& a : b.http_request) {
    if (!is_len_capture(a)) continue;
    diagnostics.error(doc.at(a.line),
                      fmt::format("backend '{}': capture ... len N declares a slot, which only a frontend has: "
                                  "declare_capture = request len N in the frontend, then capture SAMPLE id N here",
                                  b.name));
  }
}

}  // namespace proxyd::config
