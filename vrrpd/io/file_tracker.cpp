#include "vrrpd/io/file_tracker.h"

#include <fmt/format.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/io/files.h"

namespace vrrpd::io {

FileTracker::FileTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
                         Callback on_change)
    : logger_(logger),
      name_(config.name),
      spec_(std::get<config::TrackFile>(config.spec)),
      weight_(config.weight),
      on_change_(std::move(on_change)),
      inotify_watcher_(loop, [this](int) { on_inotify(); }) {}

void FileTracker::start() {
  initialise();
  inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  auto dir = std::filesystem::path(spec_.file).parent_path();
  if (dir.empty()) dir = ".";
  if (!inotify_ ||
      ::inotify_add_watch(inotify_.get(), dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0) {
    logger_.error("Track file {}: cannot watch {}: {}", name_, dir.string(), std::strerror(errno));
  } else {
    inotify_watcher_.start(inotify_.get(), EV_READ);
  }
  read();
}

void FileTracker::initialise() {
  if (!spec_.init_value) return;
  std::error_code error;
  if (!spec_.overwrite && std::filesystem::exists(spec_.file, error)) return;
  if (auto written = common::io::write_file_atomically(spec_.file, fmt::format("{}\n", *spec_.init_value)); !written) {
    logger_.error("Track file {}: cannot initialise {}: {}", name_, spec_.file, written.error().describe());
  }
}

void FileTracker::read() {
  const auto text = common::io::read_file(spec_.file);
  const std::int64_t value = text ? track::parse_file_value(*text) : 0;
  if (value == value_) return;
  value_ = value;
  logger_.info("Track file {}: {} now holds {}", name_, spec_.file, value);
  on_change_(ok(), fmt::format("{} holds {}", spec_.file, value));
}

void FileTracker::on_inotify() {
  alignas(inotify_event) char buf[4096];
  bool ours = false;
  const auto file = std::filesystem::path(spec_.file).filename().string();
  ssize_t n;
  while ((n = ::read(inotify_.get(), buf, sizeof buf)) > 0) {
    for (char* p = buf; p < buf + n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(p);
      if (ev->len > 0 && file == ev->name) ours = true;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  if (ours) read();
}

}  // namespace vrrpd::io
