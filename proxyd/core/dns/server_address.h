// The address of one server given by name, following its Resolution: the
// address changes without a reload, a failure held past its hold puts the
// server in maintenance (HAProxy's "resolution maintenance", RMAINT), and
// the next usable answer takes it out. Pure; the adapter publishes the
// address to the workers and logs the event in HAProxy's words
// (address_log_line, maintenance_reason).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/core/address.h"
#include "proxyd/core/dns/address_choice.h"
#include "proxyd/core/dns/resolution.h"

namespace proxyd::dns {

struct AddressEvent {
  enum class Kind {
    Changed,    // a new address from DNS
    Lost,       // the name no longer resolves: into maintenance
    Recovered,  // it resolves again: out of maintenance, with its address
  };
  Kind kind = Kind::Changed;
  std::optional<common::net::Endpoint> from;
  std::optional<common::net::Endpoint> to;
  Outcome cause = Outcome::Valid;  // Lost: why
  std::uint16_t srv_weight = 0;    // the SRV record's weight (0: none, an A/AAAA record)
};

// The server weight an SRV weight gives (0..65535 to 1..256), HAProxy's
// mapping: srv_weight / 256 + 1.
std::uint32_t weight_of_srv(std::uint16_t srv_weight);

class ServerAddress {
 public:
  // <initial>: what init_addr found; nullopt starts in maintenance.
  // <port>: the server line's (SRV records bring their own).
  // <exclusive>: a server_template slot, which never shares an address
  // with another slot of its name (no free address: maintenance, "No IP
  // for server").
  ServerAddress(std::optional<common::net::Endpoint> initial, std::uint16_t port, bool exclusive = false)
      : current_(initial), port_(port), exclusive_(exclusive) {}

  // What <resolution> says at <now>; an event when the address or the
  // maintenance changes. <taken>: addresses of the other servers on the name.
  std::optional<AddressEvent> update(const Resolution& resolution, common::TimePoint now, const Preferences& prefs,
                                     std::span<const common::net::Endpoint> taken = {});

  const std::optional<common::net::Endpoint>& current() const { return current_; }
  // In maintenance for want of an address (HAProxy's RMAINT).
  bool unresolved() const { return !current_ || lost_; }
  std::optional<Outcome> lost_cause() const { return lost_ ? std::optional<Outcome>(cause_) : std::nullopt; }

 private:
  std::optional<common::net::Endpoint> current_;
  std::optional<AddressEvent> lose(Outcome cause);

  std::uint16_t port_;
  std::uint16_t srv_weight_ = 0;
  bool exclusive_ = false;
  bool lost_ = false;
  Outcome cause_ = Outcome::Valid;
};

// "app/web1 changed its IP from 10.0.0.5 to 10.0.0.6 by DNS cache" (HAProxy's
// line; logged at notice).
std::string address_changed_line(std::string_view backend, std::string_view server, const AddressEvent& event);
// "Server app/web1 ('web.example.org') is UP/READY (resolves again)."
std::string resolves_again_line(std::string_view backend, std::string_view server, std::string_view host, bool up);

}  // namespace proxyd::dns
