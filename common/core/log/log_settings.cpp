#include "common/core/log/log_settings.h"

#include "common/core/log/syslog_facility.h"
#include "common/core/text.h"

namespace common::log {

Status parse_log_target(std::string_view value, LogSettings& settings) {
  value = text::trim(value);
  if (value == "syslog") {
    settings.target = LogSettings::Target::Syslog;
  } else if (value == "stderr") {
    settings.target = LogSettings::Target::Stderr;
  } else if (value == "/dev/log") {
    settings.target = LogSettings::Target::Syslog;
  } else {
    for (const auto prefix : {"udp://", "udp@", "udp4@", "udp6@", "ipv4@", "ipv6@"}) {
      if (value.starts_with(prefix)) value.remove_prefix(std::string_view(prefix).size());
    }
    auto endpoint = net::Endpoint::parse(value);
    if (!endpoint) return fail("expected syslog, /dev/log, stderr, udp://ADDRESS:PORT or ADDRESS:PORT");
    settings.target = LogSettings::Target::Udp;
    settings.udp = *endpoint;
  }
  return {};
}

std::optional<int> parse_level_name(std::string_view name) {
  static constexpr std::string_view kNames[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
  for (int i = 0; i < 8; ++i) {
    if (kNames[i] == name) return i;
  }
  return std::nullopt;
}

Result<LogSettings> parse_log_line(std::string_view value) {
  const auto words = text::split_words(value);
  if (words.empty()) return fail("expected a log target");
  LogSettings settings;
  if (auto ok = parse_log_target(words[0], settings); !ok) return tl::unexpected(ok.error());
  std::size_t i = 1;
  if (i + 1 < words.size() && words[i] == "format") {
    if (words[i + 1] != "raw" && words[i + 1] != "rfc3164")
      return fail("log format: raw or rfc3164 (the default), got '{}'", words[i + 1]);
    settings.raw = words[i + 1] == "raw";
    i += 2;
  }
  if (i < words.size()) {
    const auto facility = parse_syslog_facility(words[i]);
    if (!facility) return fail("'{}' is not a syslog facility (daemon, local0 ... local7 ...)", words[i]);
    settings.facility = *facility;
    settings.facility_given = true;
    ++i;
  }
  if (i < words.size()) {
    const auto level = parse_level_name(words[i]);
    if (!level) return fail("'{}' is not a level (emerg alert crit err warning notice info debug)", words[i]);
    settings.max_level = *level;
    ++i;
  }
  if (i < words.size()) return fail("unexpected '{}' (a minimum level is not supported)", words[i]);
  return settings;
}

}  // namespace common::log
