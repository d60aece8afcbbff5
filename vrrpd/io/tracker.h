// The runtime side of trackers (config/track_config.h): each watches one
// thing and reports OK/failing changes through a callback. The app turns
// states into effective priorities and faults (core/track/).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace vrrpd::io {

class Tracker {
 public:
  // <ok>, and a reason for the log ("process 1234 exited").
  using Callback = std::function<void(bool ok, const std::string& reason)>;
  virtual ~Tracker() = default;
  virtual void start() = 0;
  virtual bool ok() const = 0;
  // A number that weighs in itself (track_file); nullopt for OK/failing trackers.
  virtual std::optional<std::int64_t> value() const { return std::nullopt; }
};

}  // namespace vrrpd::io
