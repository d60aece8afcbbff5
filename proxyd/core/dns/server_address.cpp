#include "proxyd/core/dns/server_address.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace proxyd::dns {

std::optional<AddressEvent> ServerAddress::update(const Resolution& resolution, common::TimePoint now,
                                                  const Preferences& prefs,
                                                  std::span<const common::net::Endpoint> taken) {
  if (const auto failure = resolution.failed(now)) return lose(*failure);
  const auto records = resolution.records(now);
  const auto chosen = choose_address(records, prefs, current_, port_, taken);
  if (!chosen) return std::nullopt;  // no answer yet: nothing changes
  const auto next = target_of(*chosen, port_);
  if (exclusive_ && std::find(taken.begin(), taken.end(), next) != taken.end()) {
    return lose(Outcome::Valid);  // every address is another slot's
  }
  const bool was_out = unresolved();
  const auto from = current_;
  const bool reweighted = chosen->weight != srv_weight_;
  lost_ = false;
  current_ = next;
  srv_weight_ = chosen->weight;
  if (was_out) return AddressEvent{AddressEvent::Kind::Recovered, from, next, Outcome::Valid, srv_weight_};
  if (from && *from == next && !reweighted) return std::nullopt;
  return AddressEvent{AddressEvent::Kind::Changed, from, next, Outcome::Valid, srv_weight_};
}

std::uint32_t weight_of_srv(std::uint16_t srv_weight) {
  return std::uint32_t{srv_weight} / 256 + 1;
}

std::optional<AddressEvent> ServerAddress::lose(Outcome cause) {
  cause_ = cause;
  if (lost_ || !current_) return std::nullopt;  // already out (init_addr none, or an earlier loss)
  lost_ = true;
  return AddressEvent{AddressEvent::Kind::Lost, current_, std::nullopt, cause, 0};
}

std::string address_changed_line(std::string_view backend, std::string_view server, const AddressEvent& event) {
  const auto ip = [](const std::optional<common::net::Endpoint>& e) {
    return e ? e->address.to_string() : std::string("(none)");
  };
  return fmt::format("{}/{} changed its IP from {} to {} by DNS cache.", backend, server, ip(event.from), ip(event.to));
}

std::string resolves_again_line(std::string_view backend, std::string_view server, std::string_view host, bool up) {
  return fmt::format("Server {}/{} ('{}') is {}/READY (resolves again).", backend, server, host, up ? "UP" : "DOWN");
}

}  // namespace proxyd::dns
