// Servers named by host with resolvers=NAME, resolved again while proxyd
// runs (control thread): one core Resolution per (resolvers, host), asked
// through that section's DnsClient when due; each server on the name
// follows it through a core ServerAddress. A new address is published to
// the workers at once (no reload; connections to the old one finish); a
// failure held past its hold takes the server out of the rotation
// (resolution maintenance) until the name resolves again. Lines in
// HAProxy's words; the state file follows every change.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "proxyd/core/dns/server_address.h"
#include "proxyd/io/dns_client.h"
#include "proxyd/io/generation.h"

namespace proxyd::io {

class ServerResolver {
 public:
  // <servers_changed>: a server came back (queued connections may go).
  ServerResolver(common::io::EventLoop& loop, common::log::Logger& logger, GenerationPtr generation,
                 std::function<void()> servers_changed);
  ~ServerResolver();
  ServerResolver(const ServerResolver&) = delete;
  ServerResolver& operator=(const ServerResolver&) = delete;

  // For `show resolvers`: one line per name.
  std::string describe() const;

 private:
  struct Entry {
    BackendShared* backend;
    ServerShared* server;
    dns::ServerAddress address;
  };
  struct Name {
    std::string host;
    DnsClient* client;
    dns::Resolution resolution;
    std::vector<Entry> entries;
  };

  DnsClient* client_for(const config::Resolvers& section);
  Name& name_for(const std::string& host, DnsClient& client, const config::Resolvers& section,
                 const ServerShared& first);
  void arm();
  void run_due();
  void on_answer(Name& name, const dns::Answer& answer);
  void apply(Entry& entry, const std::string& host, const dns::AddressEvent& event);
  void log_lost(const Entry& entry, dns::Outcome cause, bool was_serving);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  GenerationPtr generation_;
  std::function<void()> servers_changed_;
  std::map<std::string, std::unique_ptr<DnsClient>> clients_;  // by [resolvers] name
  std::vector<std::unique_ptr<Name>> names_;
  common::io::TimerWatcher timer_;
};

}  // namespace proxyd::io
