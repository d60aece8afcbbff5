// One [resolvers] section's name servers, asked through c-ares on the
// control thread's event loop: c-ares's sockets get libev watchers, its
// timeouts a libev timer, so no thread ever blocks on DNS. A lookup asks
// A and AAAA at once and answers once with both (dns_reply.h).
#pragma once

#include <ares.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/core/log/logger.h"
#include "common/core/log/rate_limiter.h"
#include "common/core/result.h"
#include "common/io/event_loop.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/dns/resolution.h"
#include "proxyd/io/dns_reply.h"

namespace proxyd::io {

class DnsClient {
 public:
  using Callback = std::function<void(const dns::Answer&)>;

  static common::Result<std::unique_ptr<DnsClient>> create(common::io::EventLoop& loop, common::log::Logger& logger,
                                                           const config::Resolvers& resolvers);
  ~DnsClient();
  DnsClient(const DnsClient&) = delete;
  DnsClient& operator=(const DnsClient&) = delete;

  // Asks for <name>'s addresses; <done> runs once, on the loop, unless the
  // client is destroyed first.
  void lookup(const std::string& name, Callback done);
  // Asks for <name>'s SRV records, then each target's addresses: one
  // answer whose records carry the targets' ports and weights.
  void lookup_srv(const std::string& name, Callback done);

  std::uint64_t malformed_replies() const { return malformed_; }
  const std::string& name() const { return name_; }

 private:
  struct Lookup;
  struct SrvLookup;
  static void on_srv_reply(void* arg, int status, int timeouts, unsigned char* message, int length);
  void resolve_targets(const std::string& name, std::vector<SrvTarget> targets, const Callback& done);
  void note_malformed(const std::string& name, const std::string& problem);
  DnsClient(common::io::EventLoop& loop, common::log::Logger& logger, std::string name);
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  static void on_reply(void* arg, int status, int timeouts, unsigned char* message, int length);
  common::Status set_servers(const config::Resolvers& resolvers);
  void arm_timer();
  void on_event(int fd, int revents);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  std::string name_;
  ares_channel channel_ = nullptr;
  std::map<int, std::unique_ptr<common::io::IoWatcher>> watchers_;
  common::io::TimerWatcher timer_;
  common::log::RateLimiter malformed_log_;
  std::uint64_t malformed_ = 0;
};

}  // namespace proxyd::io
