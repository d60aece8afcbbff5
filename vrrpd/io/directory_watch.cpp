#include "vrrpd/io/directory_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace vrrpd::io {

DirectoryWatch::DirectoryWatch(common::io::EventLoop& loop, std::function<void()> changed)
    : changed_(std::move(changed)), watcher_(loop, [this](int) { on_events(); }) {}

common::Status DirectoryWatch::watch(const std::string& file) {
  const auto path = std::filesystem::path(file);
  name_ = path.filename().string();
  auto dir = path.parent_path();
  if (dir.empty()) dir = ".";
  inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!inotify_) return common::sys_fail(errno, "inotify_init1");
  if (::inotify_add_watch(inotify_.get(), dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0) {
    return common::sys_fail(errno, "watching {}", dir.string());
  }
  watcher_.start(inotify_.get(), EV_READ);
  return {};
}

void DirectoryWatch::on_events() {
  alignas(inotify_event) char buf[4096];
  bool ours = false;
  ssize_t n;
  while ((n = ::read(inotify_.get(), buf, sizeof buf)) > 0) {
    for (char* p = buf; p < buf + n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(p);
      if (ev->len > 0 && name_ == ev->name) ours = true;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  if (ours) changed_();
}

}  // namespace vrrpd::io
