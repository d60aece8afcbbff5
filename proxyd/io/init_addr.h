// init_addr (HAProxy's init-addr): the first address of each server named
// by host, at start, at reload (servers whose line changed or is new) and
// for `proxyd -c`. Methods in the line's order: `last` (the state file),
// `libc` (getaddrinfo: /etc/hosts, then the system's resolver, on the
// control thread before the workers see the generation), `none` (start in
// maintenance until the resolvers find it), a fixed IP.
#pragma once

#include <string>
#include <vector>

#include "proxyd/core/dns/server_state.h"
#include "proxyd/io/generation.h"

namespace proxyd::io {

// Sets the address (or the maintenance) of every such server of
// <generation>; one `file:line: …` error per server none of whose methods
// worked.
std::vector<std::string> init_server_addresses(Generation& generation);

// The state file of <generation> (server_state_file), if any.
dns::ServerState read_server_state(const Generation& generation);
// Writes the addresses of its servers named by host (the control thread,
// after each change); problems are returned, not fatal.
common::Status save_server_state(const Generation& generation);

}  // namespace proxyd::io
