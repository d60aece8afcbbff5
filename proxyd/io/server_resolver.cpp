#include "proxyd/io/server_resolver.h"

#include <fmt/format.h>

#include "proxyd/io/init_addr.h"

namespace proxyd::io {

namespace {

std::optional<common::net::Endpoint> initial_address(const ServerShared& server) {
  if (!server.live->resolved.load()) return std::nullopt;
  return server.live->address();
}

}  // namespace

ServerResolver::ServerResolver(common::io::EventLoop& loop, common::log::Logger& logger, GenerationPtr generation,
                               std::function<void()> servers_changed)
    : loop_(loop),
      logger_(logger),
      generation_(std::move(generation)),
      servers_changed_(std::move(servers_changed)),
      timer_(loop, [this] { run_due(); }) {
  for (auto& backend : generation_->backends) {
    for (auto& server : backend->servers) {
      const auto& c = server->config;
      if (c.host.empty() || c.resolvers.empty()) continue;
      const auto* section = generation_->config.find_resolvers(c.resolvers);
      auto* client = section != nullptr ? client_for(*section) : nullptr;
      if (client == nullptr) continue;
      name_for(c.host, *client, *section, *server)
          .entries.push_back({backend.get(), server.get(),
                              dns::ServerAddress(initial_address(*server), c.address.port, c.template_slot)});
    }
  }
  arm();
}

// The section's client, created on first use (nullptr when c-ares refused it).
DnsClient* ServerResolver::client_for(const config::Resolvers& section) {
  auto& client = clients_[section.name];
  if (!client) {
    auto created = DnsClient::create(loop_, logger_, section);
    if (!created) {
      logger_.error("{}", created.error().describe());
      clients_.erase(section.name);
      return nullptr;
    }
    client = std::move(*created);
  }
  return client.get();
}

// The resolution of <host> through <client>, shared by the servers on it.
// What init_addr (or the previous generation) found for <first> counts as
// a valid answer of now: failures are held from there.
ServerResolver::Name& ServerResolver::name_for(const std::string& host, DnsClient& client,
                                               const config::Resolvers& section, const ServerShared& first) {
  for (auto& n : names_) {
    if (n->host == host && n->client == &client) return *n;
  }
  std::vector<dns::Record> known;
  if (const auto address = initial_address(first)) known.push_back({address->address, 0, 0});
  names_.push_back(
      std::make_unique<Name>(Name{host, &client, dns::Resolution(section.timings, loop_.now(), std::move(known)), {}}));
  return *names_.back();
}

ServerResolver::~ServerResolver() {
  names_.clear();
  clients_.clear();  // pending lookups end without calling back
}

void ServerResolver::arm() {
  std::optional<common::TimePoint> next;
  for (const auto& n : names_) {
    const auto due = n->resolution.next_query();
    if (due && (!next || *due < *next)) next = due;
  }
  if (next) {
    timer_.start_at(*next);
  } else {
    timer_.stop();
  }
}

void ServerResolver::run_due() {
  const auto now = loop_.now();
  for (auto& n : names_) {
    const auto due = n->resolution.next_query();
    if (!due || *due > now) continue;
    n->resolution.sent();
    Name* name = n.get();
    auto done = [this, name](const dns::Answer& answer) { on_answer(*name, answer); };
    if (n->host.starts_with('_')) {
      n->client->lookup_srv(n->host, std::move(done));  // an SRV name: ports and weights too
    } else {
      n->client->lookup(n->host, std::move(done));
    }
  }
  arm();
}

void ServerResolver::on_answer(Name& name, const dns::Answer& answer) {
  const auto now = loop_.now();
  name.resolution.answered(answer, now);
  bool changed = false;
  for (auto& entry : name.entries) {
    std::vector<common::net::Endpoint> taken;
    for (const auto& other : name.entries) {
      if (&other != &entry && other.backend == entry.backend && other.address.current() &&
          !other.address.unresolved()) {
        taken.push_back(*other.address.current());
      }
    }
    if (const auto event = entry.address.update(name.resolution, now, entry.server->config.resolve, taken)) {
      apply(entry, name.host, *event);
      changed = true;
    }
  }
  if (changed) {
    if (auto saved = save_server_state(*generation_); !saved) {
      logger_.warning("server_state_file: {}", saved.error().describe());
    }
  }
  arm();
}

void ServerResolver::apply(Entry& entry, const std::string& host, const dns::AddressEvent& event) {
  auto& live = *entry.server->live;
  const auto& backend = entry.backend->config.name;
  const auto& server = entry.server->config.name;
  using Kind = dns::AddressEvent::Kind;
  if (event.kind == Kind::Lost) {
    const bool was_serving = live.serving();
    live.resolved = false;
    live.unresolved_reason = std::string(dns::describe(event.cause));
    live.history.last_change = common::SteadyClock::now();
    log_lost(entry, event.cause, was_serving);
    return;
  }
  live.set_address(*event.to);
  live.address_source = "DNS";
  if (event.srv_weight != 0 || entry.server->config.is_srv()) {
    // SRV: the record's weight is the server's (as set at runtime, not the line's).
    const auto weight = dns::weight_of_srv(event.srv_weight);
    const auto previous = live.weight.exchange(weight, std::memory_order_relaxed);
    if (previous != weight) {
      logger_.notice("Server {}/{} weight changed from {} to {} (SRV record)", backend, server, previous, weight);
    }
  }
  if (event.from && event.from->address != event.to->address) {
    logger_.notice("{}", dns::address_changed_line(backend, server, event));
  }
  if (event.kind == Kind::Recovered) {
    live.resolved = true;
    live.unresolved_reason.clear();
    live.history.last_change = common::SteadyClock::now();
    if (!event.from) logger_.notice("{}", dns::address_changed_line(backend, server, event));
    logger_.notice("{}", dns::resolves_again_line(backend, server, host, live.up.load()));
    if (servers_changed_) servers_changed_();
  }
}

void ServerResolver::log_lost(const Entry& entry, dns::Outcome cause, bool was_serving) {
  const auto& backend = entry.backend->config.name;
  const auto& server = entry.server->config.name;
  if (!was_serving) {
    logger_.warning("Server {}/{} was DOWN and now enters maintenance ({}).", backend, server, dns::describe(cause));
    return;
  }
  const auto [active, backup] = entry.backend->in_service();
  logger_.warning(
      "Server {}/{} is going DOWN for maintenance ({}). {} active and {} backup servers left. {} sessions active, 0 "
      "requeued, 0 remaining in queue.",
      backend, server, dns::describe(cause), active, backup, entry.server->live->active.load());
  if (active + backup == 0) logger_.error("backend {} has no server available!", backend);
}

std::string ServerResolver::describe() const {
  std::string out;
  for (const auto& [section, client] : clients_) {
    out += fmt::format("Resolvers section {}\n  malformed answers: {}\n", section, client->malformed_replies());
    for (const auto& n : names_) {
      if (n->client != client.get()) continue;
      const auto last = n->resolution.last_outcome();
      out += fmt::format("  {}: {} answers, {} failures, last: {}\n", n->host, n->resolution.answers(),
                         n->resolution.failures(),
                         !last                          ? "none yet"
                         : *last == dns::Outcome::Valid ? "valid"
                                                        : std::string(dns::describe(*last)));
    }
  }
  return out;
}

}  // namespace proxyd::io
