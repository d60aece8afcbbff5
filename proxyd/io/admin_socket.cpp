#include "proxyd/io/admin_socket.h"

#include "proxyd/io/listen_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/io/accounts.h"

namespace proxyd::io {
namespace {

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), std::min(path.size(), sizeof address.sun_path - 1));
  return address;
}

// Whether a process answers on the socket at <path>.
bool in_use(const std::string& path) {
  common::io::UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const auto address = unix_address(path);
  return probe && ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

// Removes what a previous run left at <path>; refuses anything but a dead socket.
common::Status clear_path(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return common::sys_fail(errno, "admin socket {}", path);
  }
  if (!S_ISSOCK(st.st_mode)) return common::fail("admin socket {}: exists and is not a socket", path);
  if (in_use(path)) return common::fail("admin socket {}: another process answers on it", path);
  if (::unlink(path.c_str()) != 0) return common::sys_fail(errno, "admin socket {}: removing the stale socket", path);
  return {};
}

common::Status set_owner(const std::string& path, const config::Global& global) {
  if (!global.admin_socket_user && !global.admin_socket_group) return {};
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (global.admin_socket_user) {
    auto account = common::io::lookup_user(*global.admin_socket_user);
    if (!account) return tl::unexpected(account.error());
    uid = account->uid;
  }
  if (global.admin_socket_group) {
    auto group = common::io::lookup_group(*global.admin_socket_group);
    if (!group) return tl::unexpected(group.error());
    gid = *group;
  }
  if (::chown(path.c_str(), uid, gid) != 0) return common::sys_fail(errno, "admin socket {}: chown", path);
  return {};
}

// The line of a command: up to the first newline (or all, at EOF).
std::optional<std::string_view> command_line(std::string_view received, bool eof) {
  const auto newline = received.find('\n');
  if (newline == std::string_view::npos && !eof) return std::nullopt;
  auto line = received.substr(0, newline);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

}  // namespace

AdminSocket::AdminSocket(Key, common::io::EventLoop& loop, common::log::Logger& logger, std::string path,
                         stats::AccessLevel level, AdminService& admin)
    : path_(std::move(path)),
      exchange_(loop, logger, "admin socket",
                [&admin, level, tcp = path_.empty()](std::string_view received, bool eof,
                                                     const std::string& peer) -> std::optional<std::string> {
                  const auto line = command_line(received, eof);
                  if (!line) return std::nullopt;
                  if (line->empty() && eof) return std::string();
                  return admin.execute_line(*line, tcp ? "admin socket, " + peer : std::string("admin socket"), level);
                }) {}

common::Result<std::unique_ptr<AdminSocket>> AdminSocket::open_tcp(common::io::EventLoop& loop,
                                                                   common::log::Logger& logger,
                                                                   const config::Global::AdminTcp& listener,
                                                                   AdminService& admin) {
  auto fd = open_listen_socket(listener.address);
  if (!fd) return common::fail("admin socket {}: {}", listener.address.to_string(), fd.error().describe());
  auto socket = std::make_unique<AdminSocket>(Key(), loop, logger, std::string(), listener.level, admin);
  socket->exchange_.add_listener(listener.address.to_string(), std::move(*fd));
  return socket;
}

common::Result<std::unique_ptr<AdminSocket>> AdminSocket::open(common::io::EventLoop& loop, common::log::Logger& logger,
                                                               const config::Global& global, AdminService& admin) {
  const auto& path = *global.admin_socket;
  if (auto cleared = clear_path(path); !cleared) return tl::unexpected(cleared.error());
  common::io::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return common::sys_fail(errno, "admin socket {}: socket", path);
  const auto address = unix_address(path);
  // Born 0600 (no window where others may connect), then the configured mode.
  const auto old_mask = ::umask(0177);
  const int bound = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int bind_errno = errno;
  ::umask(old_mask);
  if (bound != 0) return common::sys_fail(bind_errno, "admin socket {}: bind", path);
  // From here on, the object owns the file: an error below removes it.
  auto socket = std::make_unique<AdminSocket>(Key(), loop, logger, path, global.admin_socket_level, admin);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) socket->inode_ = st.st_ino;
  if (::listen(fd.get(), 16) != 0) return common::sys_fail(errno, "admin socket {}: listen", path);
  if (::chmod(path.c_str(), static_cast<mode_t>(global.admin_socket_mode)) != 0) {
    return common::sys_fail(errno, "admin socket {}: chmod", path);
  }
  if (auto owned = set_owner(path, global); !owned) return tl::unexpected(owned.error());
  socket->exchange_.add_listener(path, std::move(fd));
  return socket;
}

AdminSocket::~AdminSocket() {
  if (path_.empty()) return;  // TCP
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_ino == inode_) ::unlink(path_.c_str());
}

}  // namespace proxyd::io
