// The state file of init_addr `last` (`server_state_file`): the address each
// server named by host last had, so a restart while DNS is down starts
// with it. One line per server, "BACKEND SERVER HOST ADDRESS"; lines that
// do not read are skipped (the file is a cache, never a reason to refuse a
// start).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/core/address.h"

namespace proxyd::dns {

struct SavedAddress {
  std::string host;
  common::net::IpAddress address;
  friend bool operator==(const SavedAddress&, const SavedAddress&) = default;
};

// Keyed by (backend, server).
using ServerState = std::map<std::pair<std::string, std::string>, SavedAddress>;

ServerState parse_server_state(std::string_view text);
std::string render_server_state(const ServerState& state);

}  // namespace proxyd::dns
