#include "proxyd/io/admin_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "common/io/unique_fd.h"

namespace proxyd::io {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, remaining_ms(deadline)) > 0;
}

}  // namespace

common::Result<std::string> admin_request(const std::string& path, const std::string& command,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return common::fail("socket path too long: {}", path);
  std::memcpy(address.sun_path, path.c_str(), path.size());
  common::io::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return common::sys_fail(errno, "socket");
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return common::sys_fail(errno, "cannot connect to {}", path);
  }
  const std::string line = command + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    if (!wait_for(fd.get(), POLLOUT, deadline)) return common::fail("timed out sending to {}", path);
    const auto n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return common::sys_fail(errno, "sending to {}", path);
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[16384];
  while (true) {
    if (!wait_for(fd.get(), POLLIN, deadline)) return common::fail("timed out waiting for {}", path);
    const auto n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return common::sys_fail(errno, "reading from {}", path);
    if (n == 0) return answer;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace proxyd::io
