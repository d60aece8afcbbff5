#include "proxyd/io/live_state.h"

#include <chrono>
#include <random>

#include "proxyd/io/generation.h"

namespace proxyd::io {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

bool usable(const ServerShared& s) {
  return s.live->serving();
}

}  // namespace

std::optional<std::int64_t> LiveState::usable_servers(std::string_view backend) const {
  const auto* b = generation_.find_backend(backend);
  if (b == nullptr) return std::nullopt;
  std::int64_t n = 0;
  for (const auto& s : b->servers) n += usable(*s) ? 1 : 0;
  return n;
}

std::optional<std::int64_t> LiveState::backend_connections(std::string_view backend) const {
  const auto* b = generation_.find_backend(backend);
  if (b == nullptr) return std::nullopt;
  return b->active.load(relaxed);
}

std::optional<std::int64_t> LiveState::frontend_connections(std::string_view frontend) const {
  const auto* f = generation_.find_frontend(frontend);
  if (f == nullptr) return std::nullopt;
  return f->active.load(relaxed);
}

std::optional<bool> LiveState::server_up(std::string_view backend, std::string_view server) const {
  const auto* b = generation_.find_backend(backend);
  const auto* s = b != nullptr ? b->find(server) : nullptr;
  if (s == nullptr) return std::nullopt;
  return usable(*s);
}

// The free connection slots of the usable servers; -1 when one has no maxconn (unlimited).
std::optional<std::int64_t> LiveState::free_slots(std::string_view backend) const {
  const auto* b = generation_.find_backend(backend);
  if (b == nullptr) return std::nullopt;
  std::int64_t free = 0;
  for (const auto& s : b->servers) {
    if (!usable(*s)) continue;
    const auto maxconn = s->live->maxconn.load(relaxed);
    if (maxconn == 0) return -1;
    free += std::max<std::int64_t>(0, std::int64_t{maxconn} - s->live->active.load(relaxed));
  }
  return free;
}

std::optional<std::int64_t> LiveState::queued(std::string_view backend) const {
  const auto* b = generation_.find_backend(backend);
  if (b == nullptr) return std::nullopt;
  return b->queued.load(relaxed);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::uint64_t random_u64() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

}  // namespace proxyd::io
