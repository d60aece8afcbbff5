#include "vrrpd/io/file_tracker.h"

#include <fmt/format.h>
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
      watch_(loop, [this] { read(); }) {}

void FileTracker::start() {
  initialise();
  if (auto watching = watch_.watch(spec_.file); !watching) {
    logger_.error("Track file {}: {}: its changes are not seen", name_, watching.error().describe());
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

}  // namespace vrrpd::io
