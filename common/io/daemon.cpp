#include "common/io/daemon.h"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/io/log_sinks.h"
#include "common/io/udp_syslog_logger.h"

namespace common::io {
namespace {

// Owns the sinks a TeeLogger writes to.
class OwningTee final : public log::Logger {
 public:
  OwningTee(std::unique_ptr<log::Logger> a, std::unique_ptr<log::Logger> b) : a_(std::move(a)), b_(std::move(b)) {
    set_threshold(log::Level::Debug);
  }

 protected:
  void write(log::Level level, std::string_view message) override {
    a_->log(level, message);
    b_->log(level, message);
  }

 private:
  std::unique_ptr<log::Logger> a_;
  std::unique_ptr<log::Logger> b_;
};

}  // namespace

config::EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

void print_diagnostics(const config::Diagnostics& diagnostics) {
  std::fputs(diagnostics.to_string().c_str(), stderr);
}

// Lines to every sink whose threshold lets them through.
class Fanout final : public log::Logger {
 public:
  explicit Fanout(std::vector<std::unique_ptr<log::Logger>> sinks) : sinks_(std::move(sinks)) {
    auto most = log::Level::Emergency;
    for (const auto& s : sinks_) most = std::max(most, s->threshold());
    set_threshold(most);
  }

 protected:
  void write(log::Level level, std::string_view message) override {
    for (const auto& s : sinks_) s->log(level, message);
  }

 private:
  std::vector<std::unique_ptr<log::Logger>> sinks_;
};

std::unique_ptr<log::Logger> make_logger(std::span<const log::LogSettings> targets, std::string_view program,
                                         bool debug) {
  if (targets.size() == 1) return make_logger(targets.front(), program, debug);
  std::vector<std::unique_ptr<log::Logger>> sinks;
  for (const auto& t : targets) sinks.push_back(make_logger(t, program, debug));
  return std::make_unique<Fanout>(std::move(sinks));
}

std::unique_ptr<log::Logger> make_logger(const log::LogSettings& settings, std::string_view program, bool debug) {
  const std::string tag = settings.tag.empty() ? std::string(program) : settings.tag;
  std::unique_ptr<log::Logger> sink;
  switch (settings.target) {
    case log::LogSettings::Target::Syslog:
      sink = std::make_unique<SyslogLogger>(tag, settings.facility);
      break;
    case log::LogSettings::Target::Stderr:
      sink = std::make_unique<StderrLogger>(tag, settings.raw);
      break;
    case log::LogSettings::Target::Udp:
      sink = std::make_unique<UdpSyslogLogger>(settings.udp, settings.facility, tag);
      break;
  }
  // The target's filter; the default threshold (info) unless it asks for debug.
  if (settings.max_level >= 0) sink->set_threshold(static_cast<log::Level>(settings.max_level));
  if (!debug) return sink;
  if (settings.target == log::LogSettings::Target::Stderr) {
    sink->set_threshold(log::Level::Debug);
    return sink;
  }
  auto console = std::make_unique<StderrLogger>(tag);
  console->set_threshold(log::Level::Debug);
  return std::make_unique<OwningTee>(std::move(sink), std::move(console));
}

void notify_systemd(const std::string& state) {
  (void)::sd_notify(0, state.c_str());
}

bool has_effective_capability(int cap) {
  std::FILE* status = std::fopen("/proc/self/status", "re");
  if (status == nullptr) return true;
  char line[256];
  unsigned long long effective = ~0ull;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "CapEff: %llx", &effective) == 1) break;
  }
  std::fclose(status);
  return cap >= 0 && cap < 64 && ((effective >> cap) & 1u) != 0;
}

}  // namespace common::io
