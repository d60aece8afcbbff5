#include "proxyd/io/dns_client.h"

#include <arpa/nameser.h>
#include <fmt/format.h>

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstring>
#include <vector>

#include "proxyd/io/dns_reply.h"

namespace proxyd::io {

// One lookup: the A and AAAA queries of a name, answered together.
struct DnsClient::Lookup {
  struct Query {
    Lookup* lookup;
    QueryType type;
  };
  DnsClient* client = nullptr;
  std::string name;
  Callback done;
  std::array<Query, 2> queries{Query{this, QueryType::A}, Query{this, QueryType::AAAA}};
  int pending = 2;
  std::optional<dns::Answer> first;
  bool cancelled = false;
};

// One SRV lookup: the SRV query, then the targets' addresses.
struct DnsClient::SrvLookup {
  DnsClient* client = nullptr;
  std::string name;
  Callback done;
};

namespace {

bool library_ready() {
  static const bool ready = ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
  return ready;
}

}  // namespace

DnsClient::DnsClient(common::io::EventLoop& loop, common::log::Logger& logger, std::string name)
    : loop_(loop),
      logger_(logger),
      name_(std::move(name)),
      timer_(loop,
             [this] {
               ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
               arm_timer();
             }),
      malformed_log_(5, std::chrono::seconds(60)) {}

common::Result<std::unique_ptr<DnsClient>> DnsClient::create(common::io::EventLoop& loop, common::log::Logger& logger,
                                                             const config::Resolvers& resolvers) {
  if (!library_ready()) return common::fail("resolvers {}: c-ares cannot start", resolvers.name);
  std::unique_ptr<DnsClient> client(new DnsClient(loop, logger, resolvers.name));
  ares_options options{};
  options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS;
  options.timeout = static_cast<int>(resolvers.timings.timeout_retry.count());
  options.tries = 1;  // the core's Resolution asks again, resolve_retries times
  options.ednspsz = static_cast<int>(resolvers.accepted_payload_size);
  options.sock_state_cb = &DnsClient::on_socket_state;
  options.sock_state_cb_data = client.get();
  const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_STATE_CB;
  if (const int status = ares_init_options(&client->channel_, &options, mask); status != ARES_SUCCESS) {
    return common::fail("resolvers {}: {}", resolvers.name, ares_strerror(status));
  }
  if (auto ok = client->set_servers(resolvers); !ok) return tl::unexpected(ok.error());
  return client;
}

// The section's name servers, after those of /etc/resolv.conf (which
// c-ares read at init) with parse_resolv_conf.
common::Status DnsClient::set_servers(const config::Resolvers& resolvers) {
  if (resolvers.nameservers.empty()) return {};
  ares_addr_port_node* system = nullptr;
  if (resolvers.parse_resolv_conf) ares_get_servers_ports(channel_, &system);
  std::vector<ares_addr_port_node> ours(resolvers.nameservers.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const auto& address = resolvers.nameservers[i].address;
    auto& node = ours[i];
    node.next = i + 1 < ours.size() ? &ours[i + 1] : nullptr;
    node.family = address.address.is_v4() ? AF_INET : AF_INET6;
    std::memcpy(address.address.is_v4() ? static_cast<void*>(&node.addr.addr4) : static_cast<void*>(&node.addr.addr6),
                address.address.bytes().data(), address.address.bytes().size());
    node.udp_port = address.port;
    node.tcp_port = address.port;
  }
  ares_addr_port_node* head = ours.data();
  if (system != nullptr) {
    auto* tail = system;
    while (tail->next != nullptr) tail = tail->next;
    tail->next = ours.data();
    head = system;
  }
  const int status = ares_set_servers_ports(channel_, head);
  if (system != nullptr) {
    for (auto* n = system; n != nullptr; n = n->next) {
      if (n->next == ours.data()) n->next = nullptr;  // ours are not c-ares's to free
    }
    ares_free_data(system);
  }
  if (status != ARES_SUCCESS)
    return common::fail("resolvers {}: name servers: {}", resolvers.name, ares_strerror(status));
  return {};
}

DnsClient::~DnsClient() {
  if (channel_ != nullptr) ares_destroy(channel_);  // pending lookups end, cancelled
}

void DnsClient::lookup(const std::string& name, Callback done) {
  auto* lookup = new Lookup;
  lookup->client = this;
  lookup->name = name;
  lookup->done = std::move(done);
  ares_query(channel_, name.c_str(), ns_c_in, ns_t_a, &DnsClient::on_reply, &lookup->queries[0]);
  ares_query(channel_, name.c_str(), ns_c_in, ns_t_aaaa, &DnsClient::on_reply, &lookup->queries[1]);
  arm_timer();
}

void DnsClient::lookup_srv(const std::string& name, Callback done) {
  auto* lookup = new SrvLookup{this, name, std::move(done)};
  ares_query(channel_, name.c_str(), ns_c_in, ns_t_srv, &DnsClient::on_srv_reply, lookup);
  arm_timer();
}

void DnsClient::note_malformed(const std::string& name, const std::string& problem) {
  ++malformed_;
  malformed_log_.log(logger_, common::log::Level::Warning, name,
                     fmt::format("resolvers {}: malformed answer for {} dropped: {}", name_, name, problem),
                     loop_.now());
}

void DnsClient::on_srv_reply(void* arg, int status, int, unsigned char* message, int length) {
  std::unique_ptr<SrvLookup> lookup(static_cast<SrvLookup*>(arg));
  auto parsed = parse_srv_reply(status, {message, message == nullptr ? 0u : static_cast<std::size_t>(length)});
  if (parsed.cancelled) return;
  auto& client = *lookup->client;
  if (parsed.malformed) client.note_malformed(lookup->name, parsed.problem);
  if (parsed.outcome != dns::Outcome::Valid || parsed.targets.empty()) {
    lookup->done(dns::Answer{parsed.outcome, {}});
    return;
  }
  client.resolve_targets(lookup->name, std::move(parsed.targets), lookup->done);
}

// Each target's A and AAAA; the answer once the last one is in (a target
// that does not resolve is left out).
void DnsClient::resolve_targets(const std::string& name, std::vector<SrvTarget> targets, const Callback& done) {
  struct Collect {
    std::size_t pending = 0;
    dns::Answer answer;
    Callback done;
  };
  auto collect = std::make_shared<Collect>(Collect{targets.size(), {}, done});
  for (const auto& target : targets) {
    lookup(target.host, [collect, target, name](const dns::Answer& a) {
      if (a.outcome == dns::Outcome::Valid) {
        for (const auto& r : a.records) collect->answer.records.push_back({r.address, target.port, target.weight});
      }
      if (--collect->pending == 0) collect->done(collect->answer);
    });
  }
}

void DnsClient::on_reply(void* arg, int status, int, unsigned char* message, int length) {
  const auto* query = static_cast<const Lookup::Query*>(arg);
  auto* lookup = query->lookup;
  const bool first = lookup->pending == 2;
  const auto type = query->type;
  auto parsed = parse_reply(status, type, {message, message == nullptr ? 0u : static_cast<std::size_t>(length)});
  if (parsed.cancelled) lookup->cancelled = true;
  auto& client = *lookup->client;
  if (parsed.malformed && !lookup->cancelled) client.note_malformed(lookup->name, parsed.problem);
  if (first) {
    lookup->first = std::move(parsed.answer);
    --lookup->pending;
    return;
  }
  std::unique_ptr<Lookup> owned(lookup);
  if (!owned->cancelled) owned->done(merge_answers(*owned->first, parsed.answer));
}

void DnsClient::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* client = static_cast<DnsClient*>(data);
  const int events = (readable != 0 ? EV_READ : 0) | (writable != 0 ? EV_WRITE : 0);
  if (events == 0) {
    client->watchers_.erase(fd);
    return;
  }
  auto& watcher = client->watchers_[fd];
  if (!watcher) {
    watcher = std::make_unique<common::io::IoWatcher>(client->loop_,
                                                      [client, fd](int revents) { client->on_event(fd, revents); });
  }
  watcher->update(fd, events);
}

void DnsClient::on_event(int fd, int revents) {
  ares_process_fd(channel_, (revents & EV_READ) != 0 ? fd : ARES_SOCKET_BAD,
                  (revents & EV_WRITE) != 0 ? fd : ARES_SOCKET_BAD);
  arm_timer();
}

void DnsClient::arm_timer() {
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) {
    timer_.stop();
    return;
  }
  timer_.start(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
}

}  // namespace proxyd::io
