#include "proxyd/core/dns/server_state.h"

#include <fmt/format.h>

#include "common/core/text.h"

namespace proxyd::dns {

ServerState parse_server_state(std::string_view text) {
  ServerState state;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = std::min(text.find('\n', at), text.size());
    const auto line = text.substr(at, end - at);
    at = end + 1;
    if (line.starts_with('#')) continue;
    const auto words = common::text::split_words(line);
    if (words.size() != 4) continue;
    const auto address = common::net::IpAddress::parse(words[3]);
    if (!address) continue;
    state[{std::string(words[0]), std::string(words[1])}] = {std::string(words[2]), *address};
  }
  return state;
}

std::string render_server_state(const ServerState& state) {
  std::string out = "# proxyd server state: BACKEND SERVER HOST ADDRESS (init_addr last)\n";
  for (const auto& [key, saved] : state) {
    out += fmt::format("{} {} {} {}\n", key.first, key.second, saved.host, saved.address.to_string());
  }
  return out;
}

}  // namespace proxyd::dns
