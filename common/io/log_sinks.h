// Logger sinks that write somewhere: syslog(3) and stderr.
#pragma once

#include <string>

#include "common/core/log/logger.h"

namespace common::io {

// syslog(3) with the given ident and facility code (see syslog_facility.h).
// Only one instance should exist per process (openlog is process-wide).
class SyslogLogger final : public log::Logger {
 public:
  SyslogLogger(std::string ident, int facility_code);
  ~SyslogLogger() override;

 protected:
  void write(log::Level level, std::string_view message) override;

 private:
  std::string ident_;  // openlog keeps the pointer
};

// "2026-11-21 07:59:01.629 proxyd[123]: <info> message" on stderr, for
// foreground runs (-d) and tests.
class StderrLogger final : public log::Logger {
 public:
  // <raw>: the message alone (HAProxy's `format raw`).
  explicit StderrLogger(std::string ident, bool raw = false);

 protected:
  void write(log::Level level, std::string_view message) override;

 private:
  std::string ident_;
  int pid_;
  bool raw_ = false;
};

}  // namespace common::io
