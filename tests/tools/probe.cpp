// hapair-probe ADDRESS:PORT [INTERVAL_MS] [DURATION_MS] [TIMEOUT_MS]
// A client that starts one HTTP/1.0 GET every INTERVAL_MS (default 10) for
// DURATION_MS (default 5000), each bounded by TIMEOUT_MS (default 200), and
// measures what a user of the VIP sees during a failover. Requests are
// started on schedule whether or not earlier ones have finished (open loop),
// so a request lost in a failover does not delay the next ones and the
// outage is measured to INTERVAL_MS, not to TIMEOUT_MS. Prints one line per
// request as it completes ("<ms since start, when sent> ok|fail <served-by>")
// and a summary, in order of sending, after a first line "start <unix time>"
// (seconds, with milliseconds) giving the wall-clock time of 0 ms:
//   summary requests=N ok=N failed=N outage_ms=X failed_after_outage=N
// outage_ms: the longest gap between two successful requests, i.e. the
// client-visible outage; failed_after_outage: failures after the first
// success that followed the outage (must be 0).
// Output is line-buffered, so a supervisor can follow it live; SIGINT or
// SIGTERM ends the run early (requests in flight finish), still with the summary.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "common/io/socket_address.h"
#include "common/io/unique_fd.h"

namespace {

using Clock = std::chrono::steady_clock;

struct InFlight {
  double sent_ms = 0;
  Clock::time_point deadline;
  common::io::UniqueFd fd;
  bool request_sent = false;
  std::string response;
};

struct Outcome {
  double sent_ms = 0;
  std::string served_by;  // empty: failed
};

const std::string kRequest = "GET / HTTP/1.0\r\nHost: vip\r\n\r\n";

// The backend's name (the body's first line) on a 200, empty otherwise.
std::string served_by(const std::string& response) {
  if (!response.starts_with("HTTP/1.1 200") && !response.starts_with("HTTP/1.0 200")) return {};
  const auto body = response.find("\r\n\r\n");
  if (body == std::string::npos) return {};
  auto name = response.substr(body + 4);
  if (const auto nl = name.find('\n'); nl != std::string::npos) name.resize(nl);
  return name.empty() ? "?" : name;
}

// Sends the request once connected (POLLOUT) and reads the response
// (POLLIN). True when the request is over, successfully or not.
bool advance(InFlight& r, short revents) {
  if (!r.request_sent) {
    int error = 0;
    socklen_t len = sizeof error;
    ::getsockopt(r.fd.get(), SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0 || (revents & (POLLERR | POLLHUP)) != 0) return true;
    if (::send(r.fd.get(), kRequest.data(), kRequest.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(kRequest.size())) {
      return true;
    }
    r.request_sent = true;
    return false;
  }
  char buf[4096];
  const ssize_t n = ::recv(r.fd.get(), buf, sizeof buf, 0);
  if (n > 0) {
    r.response.append(buf, static_cast<std::size_t>(n));
    return false;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
  if (n < 0) r.response.clear();  // reset: a truncated answer is a failure
  return true;
}

// SIGINT and SIGTERM are blocked and polled between events: a stop request
// ends the run cleanly, without a handler or a global flag.
void block_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop, nullptr);
}

bool stop_requested() {
  sigset_t pending;
  sigemptyset(&pending);
  ::sigpending(&pending);
  return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

class Probe {
 public:
  Probe(const common::io::SocketAddress& to, std::chrono::milliseconds interval, std::chrono::milliseconds timeout)
      : to_(to), interval_(interval), timeout_(timeout) {}

  void run(std::chrono::milliseconds duration) {
    // The wall-clock time of "0 ms", to line the requests up with logs.
    const auto epoch = std::chrono::system_clock::now() - (Clock::now() - start_);
    std::printf("start %.3f\n", std::chrono::duration<double, std::milli>(epoch.time_since_epoch()).count() / 1000.0);
    const auto end = start_ + duration;
    auto next = start_;
    bool sending = true;
    while (sending || !in_flight_.empty()) {
      const auto now = Clock::now();
      if (sending && (now >= end || stop_requested())) sending = false;
      if (sending && now >= next) {
        start_request(now);
        next += interval_;
        if (next + interval_ < now) next = now + interval_;  // stalled (suspended?): don't burst
      }
      if (!sending && in_flight_.empty()) break;
      wait_and_advance(sending ? std::min(next, end) : Clock::time_point::max());
    }
  }

  void print_summary() {
    std::sort(outcomes_.begin(), outcomes_.end(),
              [](const Outcome& a, const Outcome& b) { return a.sent_ms < b.sent_ms; });
    long ok = 0, failed = 0, failed_after = 0;
    double outage = 0, last_ok = -1;
    bool in_outage = false, outage_over = false;
    for (const auto& o : outcomes_) {
      if (!o.served_by.empty()) {
        ++ok;
        if (last_ok >= 0 && o.sent_ms - last_ok > outage) outage = o.sent_ms - last_ok;
        if (in_outage) outage_over = true;
        in_outage = false;
        last_ok = o.sent_ms;
      } else {
        ++failed;
        if (outage_over) ++failed_after;
        in_outage = true;
      }
    }
    std::printf("summary requests=%zu ok=%ld failed=%ld outage_ms=%.0f failed_after_outage=%ld\n", outcomes_.size(), ok,
                failed, outage, failed_after);
  }

 private:
  double ms_since_start(Clock::time_point t) const {
    return std::chrono::duration<double, std::milli>(t - start_).count();
  }

  void start_request(Clock::time_point now) {
    InFlight r;
    r.sent_ms = ms_since_start(now);
    r.deadline = now + timeout_;
    r.fd.reset(::socket(to_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!r.fd || (::connect(r.fd.get(), to_.get(), to_.length) != 0 && errno != EINPROGRESS)) {
      finish(r);
      return;
    }
    in_flight_.push_back(std::move(r));
  }

  // Polls the requests in flight until <until> or the first deadline, then
  // advances those that are ready and fails those past their deadline.
  void wait_and_advance(Clock::time_point until) {
    std::vector<pollfd> fds;
    for (const auto& r : in_flight_) {
      fds.push_back({r.fd.get(), static_cast<short>(r.request_sent ? POLLIN : POLLOUT), 0});
      until = std::min(until, r.deadline);
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long>(wait, 0, 1000))) < 0) return;
    const auto now = Clock::now();
    std::vector<InFlight> still;
    for (std::size_t i = 0; i < in_flight_.size(); ++i) {
      auto& r = in_flight_[i];
      const bool done = fds[i].revents != 0 ? advance(r, fds[i].revents) : false;
      if (!done && now >= r.deadline) r.response.clear();
      if (done || now >= r.deadline) {
        finish(r);
      } else {
        still.push_back(std::move(r));
      }
    }
    in_flight_ = std::move(still);
  }

  void finish(const InFlight& r) {
    const auto name = served_by(r.response);
    std::printf("%.1f %s %s\n", r.sent_ms, name.empty() ? "fail" : "ok", name.c_str());
    outcomes_.push_back({r.sent_ms, name});
  }

  const common::io::SocketAddress to_;
  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds timeout_;
  const Clock::time_point start_ = Clock::now();
  std::vector<InFlight> in_flight_;
  std::vector<Outcome> outcomes_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s ADDRESS:PORT [INTERVAL_MS] [DURATION_MS] [TIMEOUT_MS]\n", argv[0]);
    return 2;
  }
  const auto target = common::net::Endpoint::parse(argv[1]);
  if (!target) return 2;
  const auto interval = std::chrono::milliseconds(std::max(1, argc > 2 ? std::atoi(argv[2]) : 10));
  const auto duration = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 5000);
  const auto timeout = std::chrono::milliseconds(argc > 4 ? std::atoi(argv[4]) : 200);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  block_stop_signals();
  Probe probe(common::io::to_socket_address(*target), interval, timeout);
  probe.run(duration);
  probe.print_summary();
  std::fflush(stdout);
  return 0;
}
