#include "vrrpd/core/protocol/advert_validation.h"

#include <fmt/format.h>

#include <algorithm>

namespace vrrpd::protocol {
namespace {

std::string interval_text(std::uint16_t cs) {
  if (cs % 100 == 0) return fmt::format("{}s", cs / 100);
  return fmt::format("{}ms", static_cast<unsigned>(cs) * 10);
}

std::string_view auth_name(AuthType t) {
  switch (t) {
    case AuthType::None:
      return "none";
    case AuthType::Pass:
      return "PASS";
    case AuthType::Ah:
      return "AH";
  }
  return "unknown";
}

Verdict dropped(DropReason reason, std::string detail) {
  return {reason, {}, std::move(detail)};
}

std::string address_list(const std::vector<common::net::IpAddress>& list) {
  std::string out;
  for (const auto& a : list) out += (out.empty() ? "" : ",") + a.to_string();
  return out.empty() ? "none" : out;
}

}  // namespace

std::string_view describe(DropReason reason) {
  switch (reason) {
    case DropReason::Malformed:
      return "malformed";
    case DropReason::BadTtl:
      return "bad_ttl";
    case DropReason::BadVersion:
      return "bad_version";
    case DropReason::BadVrid:
      return "bad_vrid";
    case DropReason::BadAuthType:
      return "bad_auth_type";
    case DropReason::BadAuth:
      return "bad_auth";
    case DropReason::BadInterval:
      return "bad_interval";
    case DropReason::UnknownSender:
      return "unknown_sender";
    case DropReason::Unauthenticated:
      return "unauthenticated";
    case DropReason::UnknownKey:
      return "unknown_key";
    case DropReason::BadHmac:
      return "bad_hmac";
    case DropReason::Replay:
      return "replay";
    case DropReason::Stale:
      return "stale";
    case DropReason::WrongMac:
      return "wrong_mac";
  }
  return "unknown";
}

Verdict validate(const Advert& advert, std::uint8_t ttl, const common::net::IpAddress& sender,
                 const Expectation& expected) {
  if (ttl != kRequiredTtl) return dropped(DropReason::BadTtl, fmt::format("ttl {}, expected {}", ttl, kRequiredTtl));
  if (advert.version != expected.version) {
    return dropped(DropReason::BadVersion, fmt::format("version {}, ours {}", advert.version, expected.version));
  }
  if (advert.vrid != expected.vrid) {
    return dropped(DropReason::BadVrid, fmt::format("virtual_router_id {}, ours {}", advert.vrid, expected.vrid));
  }
  if (!expected.unicast_peers.empty() &&
      std::find(expected.unicast_peers.begin(), expected.unicast_peers.end(), sender) == expected.unicast_peers.end()) {
    return dropped(DropReason::UnknownSender, fmt::format("sender {} is not a unicast_peer", sender.to_string()));
  }
  if (advert.version == 2) {
    if (advert.auth_type != expected.auth_type) {
      return dropped(DropReason::BadAuthType,
                     fmt::format("auth_type {}, ours {}", auth_name(advert.auth_type), auth_name(expected.auth_type)));
    }
    if (expected.auth_type == AuthType::Pass && advert.auth_data != expected.auth_data) {
      return dropped(DropReason::BadAuth, "auth_pass differs from ours");
    }
    if (advert.interval_cs != expected.interval_cs) {
      return dropped(DropReason::BadInterval, fmt::format("advert_int {}, ours {}", interval_text(advert.interval_cs),
                                                          interval_text(expected.interval_cs)));
    }
  }
  Verdict v;
  if (advert.version == 3 && advert.interval_cs != expected.interval_cs) {
    v.notices.push_back(Notice::IntervalMismatch);
    v.detail =
        fmt::format("advert_int {}, ours {}", interval_text(advert.interval_cs), interval_text(expected.interval_cs));
  }
  auto theirs = advert.addresses;
  auto ours = expected.vips;
  std::sort(theirs.begin(), theirs.end());
  std::sort(ours.begin(), ours.end());
  if (advert.priority != 0 && theirs != ours) {
    v.notices.push_back(Notice::AddressMismatch);
    const auto text = fmt::format("addresses {}, ours {}", address_list(theirs), address_list(ours));
    v.detail = v.detail.empty() ? text : v.detail + "; " + text;
  }
  return v;
}

}  // namespace vrrpd::protocol
