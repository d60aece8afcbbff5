#include "proxyd/io/generation.h"

#include "proxyd/core/balance/slowstart.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "proxyd/core/http/cookie_persistence.h"
#include "proxyd/io/tls/tls_context.h"

namespace proxyd::io {
namespace {

bool same_server_line(const config::Server& a, const config::Server& b) {
  return a.address == b.address && a.weight == b.weight && a.maxconn == b.maxconn && a.backup == b.backup &&
         a.checked == b.checked && a.disabled == b.disabled && a.send_proxy == b.send_proxy && a.cookie == b.cookie &&
         a.tls.has_value() == b.tls.has_value() && a.host == b.host && a.resolvers == b.resolvers &&
         a.init_addr == b.init_addr && a.resolve == b.resolve;
}

// The errorfiles of <settings> into <pages>; problems appended to <errors>.
void load_errorfiles(const config::ProxyConfig& config, const config::ProxySettings& settings, http::ErrorPages& pages,
                     std::vector<std::string>& errors) {
  for (const auto& e : settings.errorfiles) {
    std::ifstream in(e.path, std::ios::binary);
    if (!in) {
      errors.push_back(fmt::format("{}: errorfile {}: cannot read {}", config.position(e.line), e.status, e.path));
      continue;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    auto response = http::prepare_errorfile(e.status, contents.str());
    if (!response) {
      errors.push_back(fmt::format("{}: errorfile {}: {}: {}", config.position(e.line), e.status, e.path,
                                   response.error().describe()));
      continue;
    }
    pages.set(e.status, std::move(*response));
  }
}

// The map and pattern files the rules name; problems appended to <errors>.
void load_pattern_files(const std::string& source, sample::Library& library, std::vector<std::string>& errors) {
  for (const auto& ref : library.files.all()) {
    std::ifstream in(ref->path(), std::ios::binary);
    if (!in) {
      errors.push_back(fmt::format("{}: cannot read {} file {}", source,
                                   ref->kind() == sample::PatternRef::Kind::Map ? "map" : "pattern", ref->path()));
      continue;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    if (auto ok = ref->load(contents.str()); !ok) errors.push_back(ok.error().describe());
  }
  for (auto& [path, body] : library.body_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      errors.push_back(fmt::format("{}: cannot read the response body file {}", source, path));
      continue;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    *body = contents.str();
  }
}

}  // namespace

bool ServerLive::set_serving_health(bool serving, common::TimePoint now, common::Duration slowstart) {
  if (up.exchange(serving, std::memory_order_relaxed) == serving) return false;
  if (serving) came_back(now, slowstart);
  if (!serving) observed_errors.store(0, std::memory_order_relaxed);
  history.health_changed(serving, now);
  return true;
}

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

std::pair<int, int> BackendShared::in_service() const {
  int serving_active = 0;
  int serving_backup = 0;
  for (const auto& s : servers) {
    const auto& live = *s->live;
    if (!live.serving() || live.weight.load(std::memory_order_relaxed) == 0) continue;
    ++(s->config.backup ? serving_backup : serving_active);
  }
  return {serving_active, serving_backup};
}

Generation::Generation(config::ProxyConfig c, std::size_t workers) : config(std::move(c)) {
  for (const auto& b : config.backends) {
    auto backend = std::make_unique<BackendShared>(b);
    for (const auto& s : b.servers) {
      backend->servers.push_back(std::make_unique<ServerShared>(s, workers));
      backend->ramps = backend->ramps || s.slowstart.count() > 0;
    }
    backend->ramps = backend->ramps && balance::ramps_weights(b.settings.balance);
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
      server->inherited = true;
    }
  }
}

std::vector<std::string> load_generation_files(Generation& generation) {
  std::vector<std::string> errors;
  const auto& config = generation.config;
  const auto& source = config.source;
  load_pattern_files(source, *generation.config.library, errors);
  for (auto& frontend : generation.frontends) {
    load_errorfiles(config, frontend->config.settings, frontend->error_pages, errors);
    for (const auto& bind : frontend->config.binds) {
      if (!bind.tls) continue;
      auto context = TlsServerContext::load(*bind.tls);
      if (!context) {
        errors.push_back(fmt::format("{}: bind {}: {}", config.position(bind.line), bind.address.to_string(),
                                     context.error().describe()));
        continue;
      }
      frontend->tls[bind.address] = std::move(*context);
    }
  }
  for (auto& backend : generation.backends) {
    load_errorfiles(config, backend->config.settings, backend->error_pages, errors);
    for (auto& server : backend->servers) {
      const auto load = [&](const config::ServerTls& settings, std::shared_ptr<const TlsClientContext>& into) {
        auto context = TlsClientContext::load(settings);
        if (!context) {
          errors.push_back(fmt::format("{}: server {}: {}", config.position(server->config.line), server->config.name,
                                       context.error().describe()));
          return;
        }
        into = std::move(*context);
      };
      if (server->config.tls) load(*server->config.tls, server->tls);
      if (server->config.check_tls) load(*server->config.check_tls, server->check_tls);
    }
  }
  return errors;
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

std::string server_cookie(const ServerShared& server, const config::ProxySettings& backend) {
  if (!server.config.cookie.empty()) return server.config.cookie;
  if (!backend.cookie || !backend.cookie->dynamic || backend.dynamic_cookie_key.empty()) return {};
  if (!server.live->resolved.load(std::memory_order_relaxed)) return {};
  return http::dynamic_cookie(backend.dynamic_cookie_key, server.live->address());
}

}  // namespace proxyd::io
