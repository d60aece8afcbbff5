#include "proxyd/io/init_addr.h"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <fstream>
#include <sstream>

#include "common/io/files.h"
#include "proxyd/core/dns/address_choice.h"

namespace proxyd::io {

namespace {

using config::InitAddr;

struct Found {
  std::optional<common::net::IpAddress> address;
  std::string problem;
};

// getaddrinfo's addresses of <host> (AF_UNSPEC: /etc/hosts, then DNS).
Found libc_lookup(const std::string& host, const dns::Preferences& prefs, std::uint16_t port,
                  std::span<const common::net::Endpoint> taken) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list); rc != 0) return {{}, ::gai_strerror(rc)};
  std::vector<dns::Record> records;
  for (const auto* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      records.push_back({common::net::IpAddress::v4(ntohl(in->sin_addr.s_addr)), 0, 0});
    } else if (ai->ai_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      records.push_back(
          {common::net::IpAddress::v6(std::span<const std::uint8_t, 16>(in6->sin6_addr.s6_addr, 16)), 0, 0});
    }
  }
  ::freeaddrinfo(list);
  const auto chosen = dns::choose_address(records, prefs, std::nullopt, port, taken);
  if (!chosen) return {{}, "no address"};
  return {chosen->address, {}};
}

// The addresses other servers of <backend> already took for <host>.
std::vector<common::net::Endpoint> taken_by_others(const BackendShared& backend, const ServerShared& self) {
  std::vector<common::net::Endpoint> out;
  for (const auto& s : backend.servers) {
    if (s.get() == &self || s->config.host != self.config.host || !s->live->resolved.load()) continue;
    out.push_back(s->live->address());
  }
  return out;
}

// Tries <server>'s methods in order; an error when none gave an address.
std::optional<std::string> init_one(const BackendShared& backend, ServerShared& server, const dns::ServerState& last,
                                    const config::ProxyConfig& config) {
  const auto& c = server.config;
  auto& live = *server.live;
  std::vector<std::string> tried;
  for (const auto& method : c.init_addr) {
    std::optional<common::net::IpAddress> address;
    if (method.kind == InitAddr::Kind::None) {
      live.resolved = false;
      live.address_source = "none";
      live.unresolved_reason = "init_addr none";
      return std::nullopt;
    }
    if (method.kind == InitAddr::Kind::Address) {
      address = method.address;
    } else if (method.kind == InitAddr::Kind::Last) {
      const auto it = last.find({backend.config.name, c.name});
      if (it != last.end() && it->second.host == c.host) address = it->second.address;
      if (!address) tried.push_back("last: not in the state file");
    } else {
      auto found = libc_lookup(c.host, c.resolve, c.address.port, taken_by_others(backend, server));
      address = found.address;
      if (!address) tried.push_back("libc: " + found.problem);
    }
    if (!address) continue;
    live.set_address({*address, c.address.port});
    live.resolved = true;
    live.address_source = method.kind == InitAddr::Kind::Last   ? "last"
                          : method.kind == InitAddr::Kind::Libc ? "libc"
                                                                : "config";
    live.unresolved_reason.clear();
    return std::nullopt;
  }
  std::string why;
  for (const auto& t : tried) why += (why.empty() ? "" : "; ") + t;
  return fmt::format("{}: server '{}': cannot resolve '{}' ({}); init_addr = ...,none starts it in maintenance",
                     config.position(c.line), c.name, c.host, why);
}

}  // namespace

dns::ServerState read_server_state(const Generation& generation) {
  const auto& path = generation.config.global.server_state_file;
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return dns::parse_server_state(text.str());
}

std::vector<std::string> init_server_addresses(Generation& generation) {
  std::vector<std::string> errors;
  const auto last = read_server_state(generation);
  for (auto& backend : generation.backends) {
    for (auto& server : backend->servers) {
      if (server->config.host.empty() || server->inherited) continue;
      if (auto error = init_one(*backend, *server, last, generation.config)) errors.push_back(std::move(*error));
    }
  }
  return errors;
}

common::Status save_server_state(const Generation& generation) {
  const auto& path = generation.config.global.server_state_file;
  if (path.empty()) return {};
  dns::ServerState state;
  for (const auto& backend : generation.backends) {
    for (const auto& server : backend->servers) {
      const auto& live = *server->live;
      if (server->config.host.empty() || !live.resolved.load()) continue;
      state[{backend->config.name, server->config.name}] = {server->config.host, live.address().address};
    }
  }
  return common::io::write_file_atomically(path, dns::render_server_state(state));
}

}  // namespace proxyd::io
