// hapair-probe ADDRESS:PORT [INTERVAL_MS] [DURATION_MS] [TIMEOUT_MS]
// A client that sends one HTTP/1.0 GET every INTERVAL_MS (default 10) for
// DURATION_MS (default 5000), each bounded by TIMEOUT_MS (default 200), and
// measures what a user of the VIP sees during a failover. Prints one line
// per request ("<ms since start> ok|fail <served-by>") and a summary:
//   summary requests=N ok=N failed=N outage_ms=X failed_after_outage=N
// outage_ms: the longest gap between two successful requests, i.e. the
// client-visible outage; failed_after_outage: failures after the first
// success that followed the outage (must be 0).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "common/core/address.h"
#include "common/io/socket_address.h"
#include "common/io/unique_fd.h"

namespace {

using Clock = std::chrono::steady_clock;

bool wait_for(int fd, short events, Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left)) > 0;
}

// The backend's name (the body's first line) on a 200, empty on failure.
std::string fetch(const common::io::SocketAddress& to, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  common::io::UniqueFd fd(::socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), to.get(), to.length) != 0 && errno != EINPROGRESS) return {};
  if (!wait_for(fd.get(), POLLOUT, deadline)) return {};
  int error = 0;
  socklen_t len = sizeof error;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0) return {};
  const std::string request = "GET / HTTP/1.0\r\nHost: vip\r\n\r\n";
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return {};
  std::string response;
  char buf[4096];
  while (wait_for(fd.get(), POLLIN, deadline)) {
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<std::size_t>(n));
  }
  if (!response.starts_with("HTTP/1.1 200") && !response.starts_with("HTTP/1.0 200")) return {};
  const auto body = response.find("\r\n\r\n");
  if (body == std::string::npos) return {};
  auto name = response.substr(body + 4);
  if (const auto nl = name.find('\n'); nl != std::string::npos) name.resize(nl);
  return name.empty() ? "?" : name;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s ADDRESS:PORT [INTERVAL_MS] [DURATION_MS] [TIMEOUT_MS]\n", argv[0]);
    return 2;
  }
  const auto target = common::net::Endpoint::parse(argv[1]);
  if (!target) return 2;
  const auto interval = std::chrono::milliseconds(argc > 2 ? std::atoi(argv[2]) : 10);
  const auto duration = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 5000);
  const auto timeout = std::chrono::milliseconds(argc > 4 ? std::atoi(argv[4]) : 200);
  const auto to = common::io::to_socket_address(*target);
  const auto start = Clock::now();
  long requests = 0, ok = 0, failed = 0, failed_after = 0;
  double outage = 0;
  double last_ok = -1;
  bool in_outage = false, outage_over = false;
  for (auto next = start; Clock::now() - start < duration; next += interval) {
    std::this_thread::sleep_until(next);
    const double at = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    const auto name = fetch(to, timeout);
    ++requests;
    if (!name.empty()) {
      ++ok;
      if (last_ok >= 0 && at - last_ok > outage) outage = at - last_ok;
      if (in_outage) outage_over = true;
      in_outage = false;
      last_ok = at;
    } else {
      ++failed;
      if (outage_over) ++failed_after;
      in_outage = true;
    }
    std::printf("%.1f %s %s\n", at, name.empty() ? "fail" : "ok", name.c_str());
    if (Clock::now() > next + interval) next = Clock::now() - interval;  // a slow request: don't burst after it
  }
  std::printf("summary requests=%ld ok=%ld failed=%ld outage_ms=%.0f failed_after_outage=%ld\n", requests, ok, failed,
              outage, failed_after);
  std::fflush(stdout);
  return 0;
}
