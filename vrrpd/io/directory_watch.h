// A file watched through inotify on its directory (so a file replaced by
// rename, or created later, is seen too), shared by track_pid's pidfile and
// track_file: the event loop calls back when an event names the file.
#pragma once

#include <functional>
#include <string>

#include "common/core/result.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"

namespace vrrpd::io {

class DirectoryWatch {
 public:
  DirectoryWatch(common::io::EventLoop& loop, std::function<void()> changed);
  // Watches <file>'s directory for writes, renames, creations and removals
  // of <file>.
  common::Status watch(const std::string& file);

 private:
  void on_events();

  std::function<void()> changed_;
  std::string name_;  // the file's name within its directory
  common::io::UniqueFd inotify_;
  common::io::IoWatcher watcher_;
};

}  // namespace vrrpd::io
