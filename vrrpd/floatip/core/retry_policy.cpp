#include "vrrpd/floatip/core/retry_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/core/text.h"

namespace vrrpd::floatip {

common::Duration Budget::remaining(common::TimePoint now) const {
  return std::max(common::Duration{0}, total_ - elapsed(now));
}

common::Duration Budget::elapsed(common::TimePoint now) const {
  return common::duration_cast<common::Duration>(now - start_);
}

common::Duration Backoff::next(RandomSource& random) {
  common::Duration ceiling = kFirstBackoff;
  for (int i = 0; i < step_ && ceiling < kMaxBackoff; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, kMaxBackoff);
  ++step_;
  const auto half = ceiling.count() / 2;
  // Modulo bias over a 64-bit draw and a range of a few thousand ms is
  // far below anything that matters for spreading retries.
  const auto spread = static_cast<std::uint64_t>(ceiling.count() - half + 1);
  return common::Duration{half + static_cast<common::Duration::rep>(random.next() % spread)};
}

std::optional<common::Duration> backoff_within(common::Duration wanted, common::Duration remaining) {
  const auto room = remaining - kMinAttemptWindow;
  if (room <= common::Duration{0}) return std::nullopt;
  return std::min(wanted, room);
}

std::optional<common::Duration> mandated_within(common::Duration wanted, common::Duration remaining) {
  if (wanted + kMinAttemptWindow > remaining) return std::nullopt;
  return wanted;
}

std::optional<common::Duration> parse_retry_after(std::string_view value) {
  const auto digits = common::text::trim(value);
  unsigned seconds = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, seconds);
  // A day is far beyond any budget; larger values are treated as junk.
  if (digits.empty() || ec != std::errc{} || ptr != end || seconds > 86'400) return std::nullopt;
  return std::chrono::seconds(seconds);
}

std::string format_seconds(common::Duration d) {
  return fmt::format("{:.3f}s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace vrrpd::floatip
