// The running configuration's live state as the rule language reads it
// (nbsrv, be_conn, fe_conn, srv_is_up, connslots, avg_queue): atomic
// loads of the counts the workers keep. Any thread.
#pragma once

#include "proxyd/core/sample/sample.h"

namespace proxyd::io {

struct Generation;

class LiveState final : public sample::Runtime {
 public:
  explicit LiveState(const Generation& generation) : generation_(generation) {}
  std::optional<std::int64_t> usable_servers(std::string_view backend) const override;
  std::optional<std::int64_t> backend_connections(std::string_view backend) const override;
  std::optional<std::int64_t> frontend_connections(std::string_view frontend) const override;
  std::optional<bool> server_up(std::string_view backend, std::string_view server) const override;
  std::optional<std::int64_t> free_slots(std::string_view backend) const override;
  std::optional<std::int64_t> queued(std::string_view backend) const override;

 private:
  const Generation& generation_;
};

// rand(): a per-thread generator seeded from the system's entropy.
std::uint64_t random_u64();
// date(): the wall clock in seconds since the epoch.
std::int64_t unix_now();

}  // namespace proxyd::io
