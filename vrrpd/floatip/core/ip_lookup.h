// Where the IP lives in the API and who holds it. DigitalOcean renamed
// floating IPs to reserved IPs in 2022; /v2/reserved_ips is asked first and
// the legacy /v2/floating_ips only after a 404 there (FEATURES.md 4.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

#include "vrrpd/floatip/core/api_reply.h"
#include "vrrpd/floatip/core/api_session.h"
#include "vrrpd/floatip/core/do_responses.h"

namespace vrrpd::floatip {

enum class IpKind { Reserved, Floating };
// "/v2/reserved_ips" or "/v2/floating_ips".
std::string_view collection_path(IpKind kind);

// The API paths of one IP, following the fallback.
class IpEndpoints {
 public:
  explicit IpEndpoints(std::string ip) : ip_(std::move(ip)) {}

  std::string ip_path() const;                          // /v2/reserved_ips/203.0.113.10
  std::string actions_path() const;                     // .../actions
  std::string action_path(std::uint64_t action) const;  // .../actions/72531856
  IpKind kind() const { return kind_; }
  // After a 404: moves to floating_ips once, unless reserved_ips already
  // answered for this IP. False when there is nowhere left to look.
  bool fall_back();
  // The current family answered: a later 404 is final.
  void confirm() { confirmed_ = true; }

 private:
  std::string ip_;
  IpKind kind_ = IpKind::Reserved;
  bool confirmed_ = false;
};

// GET the IP object (with the fallback): who holds it, or the reply to
// retry or fail on. A 2xx body that does not decode becomes Unexpected.
tl::expected<IpOwnership, Reply> look_up_ip(ApiSession& session, IpEndpoints& endpoints);

}  // namespace vrrpd::floatip
