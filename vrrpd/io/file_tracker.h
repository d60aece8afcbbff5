// track_file: a number in a file, read again whenever the file changes
// (inotify on its directory, so a file replaced by rename is seen too; no
// polling). Keepalived's semantics (core/track/effective_priority.h): with
// weight 0 a non-zero value is a failure; otherwise value x weight is added
// to the priority, below -253 it is a fault. `init_file` writes the initial
// value at start (only when the file is missing, unless `overwrite`).
#pragma once

#include <cstdint>
#include <optional>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "vrrpd/core/config/track_config.h"
#include "vrrpd/core/track/effective_priority.h"
#include "vrrpd/io/directory_watch.h"
#include "vrrpd/io/tracker.h"

namespace vrrpd::io {

class FileTracker final : public Tracker {
 public:
  FileTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
              Callback on_change);
  void start() override;
  bool ok() const override { return track::file_ok(value_, weight_); }
  std::optional<std::int64_t> value() const override { return value_; }

 private:
  void initialise();
  void read();

  common::log::Logger& logger_;
  std::string name_;
  config::TrackFile spec_;
  std::int32_t weight_;
  Callback on_change_;
  std::int64_t value_ = 0;
  DirectoryWatch watch_;
};

}  // namespace vrrpd::io
