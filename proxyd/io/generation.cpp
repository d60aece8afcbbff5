#include "proxyd/io/generation.h"

namespace proxyd::io {
namespace {

bool same_server_line(const config::Server& a, const config::Server& b) {
  return a.address == b.address && a.weight == b.weight && a.maxconn == b.maxconn && a.backup == b.backup &&
         a.checked == b.checked && a.disabled == b.disabled && a.send_proxy == b.send_proxy;
}

}  // namespace

void ServerHistory::health_changed(bool up, common::TimePoint now) {
  last_change = now;
  if (!up) {
    ++downs;
    down_since = now;
  } else if (down_since) {
    downtime += std::chrono::duration_cast<common::Duration>(now - *down_since);
    down_since.reset();
  }
}

common::Duration ServerHistory::total_downtime(common::TimePoint now) const {
  if (!down_since) return downtime;
  return downtime + std::chrono::duration_cast<common::Duration>(now - *down_since);
}

ServerShared* BackendShared::find(std::string_view name) const {
  for (const auto& s : servers) {
    if (s->config.name == name) return s.get();
  }
  return nullptr;
}

Generation::Generation(config::ProxyConfig c, std::size_t workers) : config(std::move(c)) {
  for (const auto& b : config.backends) {
    auto backend = std::make_unique<BackendShared>(b);
    for (const auto& s : b.servers) backend->servers.push_back(std::make_unique<ServerShared>(s, workers));
    backends.push_back(std::move(backend));
  }
  for (const auto& f : config.frontends) {
    // The format was validated when the configuration loaded.
    auto format = log::LogFormat::compile(f.settings.log_format);
    frontends.push_back(std::make_unique<FrontendShared>(
        f, find_backend(f.backend), format ? std::move(*format) : log::LogFormat::tcplog(), workers));
  }
}

void Generation::inherit(const Generation& previous) {
  for (const auto& backend : backends) {
    const auto* old_backend = previous.find_backend(backend->config.name);
    if (old_backend == nullptr) continue;
    for (const auto& server : backend->servers) {
      const auto* old = old_backend->find(server->config.name);
      if (old == nullptr || !same_server_line(old->config, server->config)) continue;
      server->live = old->live;
    }
  }
}

BackendShared* Generation::find_backend(std::string_view name) const {
  for (const auto& b : backends) {
    if (b->config.name == name) return b.get();
  }
  return nullptr;
}

FrontendShared* Generation::find_frontend(std::string_view name) const {
  for (const auto& f : frontends) {
    if (f->config.name == name) return f.get();
  }
  return nullptr;
}

}  // namespace proxyd::io
