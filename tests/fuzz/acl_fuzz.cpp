// The rule language: ACL lines and conditions. The first line of the input
// is a request head's target, the rest are `acl` values, then one condition
// per line starting with if/unless. Never crash; every condition that
// parses and resolves evaluates, on a fixed request, to the same answer
// twice (no hidden state).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "proxyd/core/http/message_head.h"
#include "proxyd/core/sample/acl.h"

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = lines_of(std::string_view(reinterpret_cast<const char*>(data), size));
  if (lines.empty()) return 0;
  using namespace proxyd;
  http::MessageHead head;
  head.method = "GET";
  head.target = lines[0];
  head.headers = {{"Host", "www.example.org:8080"}, {"Cookie", "a=1; b=2"}, {"X-List", "one, two"}};
  sample::Context ctx;
  ctx.request = &head;
  ctx.src = *common::net::Endpoint::parse("192.0.2.1:40000");
  ctx.dst = *common::net::Endpoint::parse("[2001:db8::1]:443");
  ctx.sni = "www.example.org";
  sample::AclTable table;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto line = lines[i];
    if (!line.starts_with("if") && !line.starts_with("unless")) {
      (void)sample::add_acl(table, line);
      continue;
    }
    auto words = sample::split(line);
    if (!words) continue;
    auto condition = sample::parse_condition(*words);
    if (!condition || !sample::resolve(*condition, table)) continue;
    if (sample::evaluate(*condition, ctx) != sample::evaluate(*condition, ctx)) std::abort();
  }
  return 0;
}
