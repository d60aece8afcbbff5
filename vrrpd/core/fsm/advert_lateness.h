// How late the master's adverts leave: the advert timer fires after its
// deadline when the event loop was busy or the process was not scheduled.
// A backup declares the master dead after 3 x advert_int + Skew_Time, so
// with 10-20 ms adverts a few late ones are a false failover; vrrpd counts
// them, keeps a histogram, and warns about any later than a quarter interval.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace vrrpd::fsm {

using Micros = std::chrono::microseconds;

// Later than a quarter interval: logged and counted as late.
bool advert_late(Micros lateness, Micros interval);

class AdvertLateness {
 public:
  // Upper bounds of the histogram's buckets (the last is open).
  static constexpr std::array<Micros, 8> kBounds{Micros{100},   Micros{500},    Micros{1'000},  Micros{2'000},
                                                 Micros{5'000}, Micros{10'000}, Micros{20'000}, Micros{50'000}};

  // Records one timer-driven advert; true when it was late.
  bool record(Micros lateness, Micros interval);

  std::uint64_t adverts() const { return adverts_; }
  std::uint64_t late() const { return late_; }
  Micros max() const { return max_; }
  // Adverts whose lateness was at most kBounds[i] (and above the previous
  // bound); the last element counts those above every bound.
  const std::array<std::uint64_t, kBounds.size() + 1>& buckets() const { return buckets_; }
  // "le_100us", ..., "le_50ms", "gt_50ms": the buckets' names.
  static std::string bucket_name(std::size_t index);

 private:
  std::uint64_t adverts_ = 0;
  std::uint64_t late_ = 0;
  Micros max_{0};
  std::array<std::uint64_t, kBounds.size() + 1> buckets_{};
};

}  // namespace vrrpd::fsm
