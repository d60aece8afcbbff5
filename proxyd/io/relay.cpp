#include "proxyd/io/relay.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace proxyd::io {
namespace {

constexpr std::size_t kSpliceChunk = 64 * 1024;  // a default pipe's capacity
constexpr std::size_t kBufferSize = 16 * 1024;   // fallback copy buffer
constexpr int kRoundsPerEvent = 16;              // then yield to other connections

bool would_block(int err) {
  return err == EAGAIN || err == EWOULDBLOCK;
}

}  // namespace

Relay::Relay(common::io::EventLoop& loop, PipePool& pipes, BufferPool& buffers, int client_fd, int server_fd,
             Timeouts timeouts, Done done)
    : loop_(loop),
      pipes_(pipes),
      buffers_(buffers),
      client_fd_(client_fd),
      server_fd_(server_fd),
      timeouts_(timeouts),
      done_(std::move(done)),
      client_watcher_(loop, [this](int revents) { on_event(true, revents); }),
      server_watcher_(loop, [this](int revents) { on_event(false, revents); }),
      timer_(loop, [this] { on_timer(); }) {
  up_.from = client_fd;
  up_.to = server_fd;
  down_.from = server_fd;
  down_.to = client_fd;
}

Relay::~Relay() {
  pipes_.give(std::move(up_.pipe), up_.in_pipe == 0);
  pipes_.give(std::move(down_.pipe), down_.in_pipe == 0);
  buffers_.give(std::move(up_.buffer));
  buffers_.give(std::move(down_.buffer));
}

void Relay::start() {
  client_active_ = server_active_ = loop_.now();
  timer_.start(std::min(timeouts_.client, timeouts_.server));
  on_event(true, EV_READ | EV_WRITE);
  if (!finished_) on_event(false, EV_READ | EV_WRITE);
}

bool Relay::pump(Direction& d, int& failed_side) {
  d.wants_read = d.wants_write = false;
  d.drained = false;
  return d.use_splice ? pump_splice(d, failed_side) : pump_buffer(d, failed_side);
}

bool Relay::pump_splice(Direction& d, int& failed_side) {
  for (int round = 0; round < kRoundsPerEvent; ++round) {
    if (d.in_pipe > 0) {
      const ssize_t n =
          ::splice(d.pipe.read.get(), nullptr, d.to, nullptr, d.in_pipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        d.in_pipe -= static_cast<std::size_t>(n);
        d.total += static_cast<std::uint64_t>(n);
        (d.to == client_fd_ ? client_active_ : server_active_) = loop_.now();
        continue;
      }
      if (n < 0 && would_block(errno)) {
        d.wants_write = true;
        return true;
      }
      failed_side = d.to;
      return false;
    }
    if (d.read_eof) {
      forward_fin(d);
      return true;
    }
    const ssize_t n =
        ::splice(d.from, nullptr, d.pipe.write.get(), nullptr, kSpliceChunk, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      d.in_pipe = static_cast<std::size_t>(n);
      (d.from == client_fd_ ? client_active_ : server_active_) = loop_.now();
    } else if (n == 0) {
      d.read_eof = true;
    } else if (would_block(errno)) {
      d.wants_read = true;
      return true;
    } else {
      failed_side = d.from;
      return false;
    }
  }
  d.wants_read = !d.read_eof;  // budget spent: come back when the loop says so
  d.wants_write = d.in_pipe > 0;
  return true;
}

bool Relay::pump_buffer(Direction& d, int& failed_side) {
  for (int round = 0; round < kRoundsPerEvent; ++round) {
    if (d.buffer_start < d.buffer_end) {
      const ssize_t n = ::send(d.to, d.buffer.get() + d.buffer_start, d.buffer_end - d.buffer_start, MSG_NOSIGNAL);
      if (n > 0) {
        d.buffer_start += static_cast<std::size_t>(n);
        d.total += static_cast<std::uint64_t>(n);
        (d.to == client_fd_ ? client_active_ : server_active_) = loop_.now();
        continue;
      }
      if (n < 0 && would_block(errno)) {
        d.wants_write = true;
        return true;
      }
      failed_side = d.to;
      return false;
    }
    if (d.read_eof) {
      forward_fin(d);
      return true;
    }
    if (d.drained) {
      buffers_.give(std::move(d.buffer));  // all sent, socket empty: hold no memory while idle
      d.buffer_start = d.buffer_end = 0;
      d.wants_read = true;
      return true;
    }
    if (d.buffer_end == kBufferSize && start_splicing(d)) {
      return pump_splice(d, failed_side);  // a full buffer, now sent: a bulk stream
    }
    if (!d.buffer) d.buffer = buffers_.take();
    const ssize_t n = ::recv(d.from, d.buffer.get(), kBufferSize, 0);
    if (n > 0) {
      d.buffer_end = static_cast<std::size_t>(n);
      d.buffer_start = 0;
      d.drained = static_cast<std::size_t>(n) < kBufferSize;
      (d.from == client_fd_ ? client_active_ : server_active_) = loop_.now();
      continue;
    }
    d.buffer_start = d.buffer_end = 0;
    if (n == 0) {
      d.read_eof = true;
    } else if (would_block(errno)) {
      d.wants_read = true;
      return true;
    } else {
      failed_side = d.from;
      return false;
    }
  }
  d.wants_read = !d.read_eof;
  d.wants_write = pending(d);
  return true;
}

// All sent after the source's EOF: pass the FIN on (half-close), once.
void Relay::forward_fin(Direction& d) {
  if (d.shut) return;
  ::shutdown(d.to, SHUT_WR);
  d.shut = true;
}

bool Relay::start_splicing(Direction& d) {
  d.pipe = pipes_.take();
  if (!d.pipe) return false;
  d.use_splice = true;
  buffers_.give(std::move(d.buffer));
  d.buffer_start = d.buffer_end = 0;
  return true;
}

void Relay::on_event(bool client, int revents) {
  if (finished_) return;
  // Only the directions this event can move: a readable client feeds "up",
  // a writable client drains "down", and the mirror for the server.
  Direction* const reading = client ? &up_ : &down_;
  Direction* const writing = client ? &down_ : &up_;
  int failed = -1;
  const bool ok = (!(revents & EV_READ) || pump(*reading, failed)) && (!(revents & EV_WRITE) || pump(*writing, failed));
  if (!ok) {
    using log::SessionPhase;
    using log::TerminationCause;
    finish({failed == client_fd_ ? TerminationCause::ClientAbort : TerminationCause::ServerAbort, SessionPhase::Data});
    return;
  }
  const bool up_done = up_.read_eof && up_.shut && !pending(up_);
  const bool down_done = down_.read_eof && down_.shut && !pending(down_);
  if (up_done && down_done) {
    finish({});
    return;
  }
  // A side just half-closed may have a shorter deadline now.
  if ((timeouts_.client_fin || timeouts_.server_fin) && (up_.read_eof || down_.read_eof)) {
    timer_.start_at(std::min(client_deadline(), server_deadline()));
  }
  update_interest();
}

common::TimePoint Relay::client_deadline() const {
  const bool half_closed = up_.read_eof || down_.shut;
  return client_active_ + (half_closed && timeouts_.client_fin ? *timeouts_.client_fin : timeouts_.client);
}

common::TimePoint Relay::server_deadline() const {
  const bool half_closed = down_.read_eof || up_.shut;
  return server_active_ + (half_closed && timeouts_.server_fin ? *timeouts_.server_fin : timeouts_.server);
}

void Relay::update_interest() {
  client_watcher_.update(client_fd_, (up_.wants_read ? EV_READ : 0) | (down_.wants_write ? EV_WRITE : 0));
  server_watcher_.update(server_fd_, (down_.wants_read ? EV_READ : 0) | (up_.wants_write ? EV_WRITE : 0));
}

void Relay::on_timer() {
  if (finished_) return;
  const auto now = loop_.now();
  const auto client = client_deadline();
  const auto server = server_deadline();
  if (now >= client) {
    finish({log::TerminationCause::ClientTimeout, log::SessionPhase::Data});
  } else if (now >= server) {
    finish({log::TerminationCause::ServerTimeout, log::SessionPhase::Data});
  } else {
    timer_.start_at(std::min(client, server));
  }
}

void Relay::stop() {
  finished_ = true;
  client_watcher_.stop();
  server_watcher_.stop();
  timer_.stop();
}

void Relay::finish(log::TerminationState state) {
  stop();
  auto done = std::move(done_);
  done(RelayResult{up_.total, down_.total, state});  // may destroy *this
}

}  // namespace proxyd::io
