#include "vrrpd/core/track/check_state.h"

namespace vrrpd::track {

std::optional<bool> CheckState::record(bool success) {
  if (success == ok_) {
    streak_ = 0;
    return std::nullopt;
  }
  if (++streak_ < (ok_ ? fall_ : rise_)) return std::nullopt;
  ok_ = success;
  streak_ = 0;
  return ok_;
}

}  // namespace vrrpd::track
