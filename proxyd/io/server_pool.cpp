#include "proxyd/io/server_pool.h"

namespace proxyd::io {

void ServerPool::put(const ServerShared& server, ServerConnection connection, common::Duration idle_timeout) {
  if (connection.address_epoch != server.live->address_epoch.load(std::memory_order_acquire)) return;
  auto& [owner, list] = idle_[server.live.get()];
  if (!owner) owner = server.live;
  if (list.size() >= kMaxIdlePerServer) return;  // <connection> closes here
  const int fd = connection.fd.get();
  auto idle = std::make_unique<Idle>(*this, server.live.get(), std::move(connection));
  idle->watcher.start(fd, EV_READ);
  idle->timer.start(idle_timeout);
  list.push_front(std::move(idle));
  ++count_;
}

std::optional<ServerConnection> ServerPool::take(const ServerShared& server) {
  const auto it = idle_.find(server.live.get());
  if (it == idle_.end() || it->second.second.empty()) return std::nullopt;
  auto& list = it->second.second;
  auto connection = std::move(list.front()->connection);
  list.pop_front();
  --count_;
  if (list.empty()) idle_.erase(it);
  // Made to the server's former address: closed here, and the older ones
  // follow as they are taken or time out.
  if (connection.address_epoch != server.live->address_epoch.load(std::memory_order_acquire)) return std::nullopt;
  return connection;
}

void ServerPool::drop(const ServerLive* key, const Idle* idle) {
  const auto it = idle_.find(key);
  if (it == idle_.end()) return;
  auto& list = it->second.second;
  for (auto i = list.begin(); i != list.end(); ++i) {
    if (i->get() != idle) continue;
    (*i)->watcher.stop();
    (*i)->timer.stop();
    dead_.push_back(std::move(*i));
    list.erase(i);
    --count_;
    if (!reaper_.active()) reaper_.start(std::chrono::nanoseconds(0));
    break;
  }
  if (list.empty()) idle_.erase(it);
}

void ServerPool::clear() {
  idle_.clear();
  dead_.clear();
  count_ = 0;
}

}  // namespace proxyd::io
