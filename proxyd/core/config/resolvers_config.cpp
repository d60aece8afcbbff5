// [resolvers NAME] (HAProxy's `resolvers` section) and the checks that tie
// servers to it.
#include <fmt/format.h>

#include "common/core/text.h"
#include "proxyd/core/config/global_config.h"

namespace proxyd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;
using common::Status;

namespace {

// `nameserver = [ID] ADDRESS[:PORT]` (port 53 unless given).
Status add_nameserver(Resolvers& r, std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.empty() || words.size() > 2) return fail("expected [ID] ADDRESS[:PORT]");
  const auto text = words.back();
  auto address = common::net::Endpoint::parse(text);
  if (!address) {
    const auto ip = common::net::IpAddress::parse(text.starts_with('[') ? text.substr(1, text.size() - 2) : text);
    if (!ip) return fail("'{}': expected an IP address with an optional :PORT", text);
    address = common::net::Endpoint{*ip, 53};
  }
  if (address->port == 0) return fail("'{}': the port must be 1 to 65535", text);
  r.nameservers.push_back({std::string(words.size() == 2 ? words[0] : text), *address});
  return {};
}

template <common::Duration dns::Timings::*Member>
cfg::Key<Resolvers> timing(std::string_view name, std::string_view default_value) {
  return cfg::custom<Resolvers>(
      name,
      [](Resolvers& r, std::string_view v) -> Status {
        auto d = cfg::parse_duration(v);
        if (!d) return tl::unexpected(d.error());
        r.timings.*Member = *d;
        return {};
      },
      default_value);
}

cfg::KeyTable<Resolvers> resolvers_keys() {
  using R = Resolvers;
  using T = dns::Timings;
  return {
      cfg::custom<R>("nameserver", add_nameserver, {}, true),
      cfg::field("parse_resolv_conf", &R::parse_resolv_conf, cfg::parse_bool),
      timing<&T::hold_valid>("hold_valid", "10s"),
      timing<&T::hold_nx>("hold_nx", "30s"),
      timing<&T::hold_refused>("hold_refused", "30s"),
      timing<&T::hold_timeout>("hold_timeout", "30s"),
      timing<&T::hold_other>("hold_other", "30s"),
      timing<&T::hold_obsolete>("hold_obsolete", "0s"),
      timing<&T::timeout_resolve>("timeout_resolve", "1s"),
      timing<&T::timeout_retry>("timeout_retry", "1s"),
      cfg::custom<R>(
          "resolve_retries",
          [](R& r, std::string_view v) -> Status {
            auto n = cfg::parse_uint(v, 1, 100);
            if (!n) return fail("expected 1 to 100");
            r.timings.resolve_retries = static_cast<std::uint32_t>(*n);
            return {};
          },
          "3"),
      cfg::field("accepted_payload_size", &R::accepted_payload_size, cfg::uint_in<std::uint32_t>(512, 65535), "512"),
  };
}

}  // namespace

void load_resolvers(const cfg::IniDocument& doc, const cfg::IniSection& s, ProxyConfig& config,
                    cfg::Diagnostics& diagnostics) {
  Resolvers r;
  r.name = s.name;
  r.line = s.line;
  cfg::load_section(doc, s, resolvers_keys(), r, diagnostics);
  if (r.name.empty()) diagnostics.error(doc.at(s.line), "[resolvers] needs a name: [resolvers NAME]");
  if (r.nameservers.empty() && !r.parse_resolv_conf) {
    diagnostics.error(
        doc.at(s.line),
        fmt::format("[resolvers {}]: no nameserver (nameserver = ADDRESS, or parse_resolv_conf = true)", r.name));
  }
  if (config.find_resolvers(r.name) != nullptr) {
    diagnostics.error(doc.at(s.line), fmt::format("[resolvers {}] defined twice", r.name));
  }
  config.resolvers.push_back(std::move(r));
}

void validate_server_names(const cfg::IniDocument& doc, const ProxyConfig& config, cfg::Diagnostics& diagnostics) {
  std::vector<std::string_view> names;
  for (const auto& r : config.resolvers) names.push_back(r.name);
  for (const auto& b : config.backends) {
    for (const auto& s : b.servers) {
      if (s.resolvers.empty() || config.find_resolvers(s.resolvers) != nullptr) continue;
      const auto guess = common::text::closest_match(s.resolvers, names);
      diagnostics.error(doc.at(s.line), fmt::format("server '{}': no [resolvers {}] section{}", s.name, s.resolvers,
                                                    guess ? fmt::format(" (did you mean '{}'?)", *guess) : ""));
    }
  }
}

}  // namespace proxyd::config
