// Rise/fall hysteresis for periodic checks (track_script, track_http): a
// tracker starts OK (keepalived's default for vrrp_script) and changes
// state after <fall> consecutive failures or <rise> consecutive successes.
#pragma once

#include <cstdint>
#include <optional>

namespace vrrpd::track {

class CheckState {
 public:
  // <initially_ok> false: keepalived's init_fail (failing until <rise> successes).
  CheckState(std::uint32_t rise, std::uint32_t fall, bool initially_ok = true)
      : rise_(rise), fall_(fall), ok_(initially_ok) {}

  // Records one result; returns the new state when it changed.
  std::optional<bool> record(bool success);
  bool ok() const { return ok_; }

 private:
  std::uint32_t rise_;
  std::uint32_t fall_;
  bool ok_ = true;
  std::uint32_t streak_ = 0;  // consecutive results contradicting ok_
};

}  // namespace vrrpd::track
