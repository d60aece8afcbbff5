#include "common/core/log/logger.h"

namespace common::log {

std::string_view level_name(Level level) {
  switch (level) {
    case Level::Emergency:
      return "emerg";
    case Level::Alert:
      return "alert";
    case Level::Critical:
      return "crit";
    case Level::Error:
      return "err";
    case Level::Warning:
      return "warning";
    case Level::Notice:
      return "notice";
    case Level::Info:
      return "info";
    case Level::Debug:
      return "debug";
  }
  return "unknown";
}

std::size_t RecordingLogger::count(std::string_view needle) const {
  std::size_t n = 0;
  for (const auto& e : entries_) {
    if (e.message.find(needle) != std::string::npos) ++n;
  }
  return n;
}

}  // namespace common::log
