// An agent check's reply line (agent_reply.h): any bytes parse to a reply
// whose numbers stay in their ranges and whose lists stay bounded. Never
// crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proxyd/core/health/agent_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace proxyd::health;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto reply = parse_agent_reply(text);
  if (reply.weight_percent && *reply.weight_percent > 25600) std::abort();
  if (reply.maxconn && *reply.maxconn > 10'000'000) std::abort();
  if (reply.unknown.size() > 8 || reply.description.size() > 200) std::abort();
  if (reply.weight_percent && agent_weight(256, *reply.weight_percent) > 256) std::abort();
  return 0;
}
