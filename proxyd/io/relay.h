// The data phase of a TCP session: bytes both ways between the client and
// the server until both directions are finished. Each direction starts with
// a small user-space buffer (cheapest for request/response traffic) and
// switches to splice(2) through a pipe, with no copy through user space,
// once a read fills the buffer (a bulk stream), as HAProxy's splice-auto
// does. A FIN is forwarded each way (half-close), and each side's inactivity
// is bounded by its timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/core/time.h"
#include "common/io/event_loop.h"
#include "proxyd/core/log/termination_state.h"
#include "proxyd/io/buffer_pool.h"
#include "proxyd/io/pipe_pool.h"

namespace proxyd::io {

struct RelayResult {
  std::uint64_t client_to_server = 0;
  std::uint64_t server_to_client = 0;
  log::TerminationState termination;  // "--" when both sides closed normally
};

class Relay {
 public:
  using Done = std::function<void(const RelayResult&)>;

  // Takes no ownership of the descriptors. <done> runs once, from the loop;
  // the Relay may be destroyed inside it.
  // Inactivity timeouts of each side; the _fin ones (HAProxy's timeout
  // client-fin / server-fin) replace them once that side's connection is
  // shut in one direction.
  struct Timeouts {
    common::Duration client{0};
    common::Duration server{0};
    std::optional<common::Duration> client_fin;
    std::optional<common::Duration> server_fin;
  };
  Relay(common::io::EventLoop& loop, PipePool& pipes, BufferPool& buffers, int client_fd, int server_fd,
        Timeouts timeouts, Done done);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  void start();
  // Stops watching the descriptors (idempotent); <done> is not called.
  void stop();

 private:
  struct Direction {
    int from = -1;
    int to = -1;
    Pipe pipe;
    std::size_t in_pipe = 0;       // splice: bytes waiting in the pipe
    BufferPool::Buffer buffer;     // lent by the pool while data is in flight
    std::size_t buffer_start = 0;  // bytes [start, end) wait in user space
    std::size_t buffer_end = 0;
    bool use_splice = false;  // after the first full buffer
    bool drained = false;     // the last read was short: the socket is empty
    bool read_eof = false;
    bool shut = false;  // FIN forwarded
    std::uint64_t total = 0;
    bool wants_read = false;
    bool wants_write = false;
  };
  enum class Step { Progress, Blocked, Failed };

  // An event on the client (<client> true) or server socket.
  void on_event(bool client, int revents);
  void on_timer();
  // The deadlines of each side: its inactivity timeout after its last
  // activity, the _fin one once half-closed.
  common::TimePoint client_deadline() const;
  common::TimePoint server_deadline() const;
  // Moves what can be moved in <d> now; false on a fatal socket error,
  // with <failed_side> set to the descriptor that failed.
  bool pump(Direction& d, int& failed_side);
  bool pump_splice(Direction& d, int& failed_side);
  bool pump_buffer(Direction& d, int& failed_side);
  void forward_fin(Direction& d);
  // Moves <d> to splice mode; false when no pipe is available.
  bool start_splicing(Direction& d);
  bool pending(const Direction& d) const { return d.in_pipe > 0 || d.buffer_start < d.buffer_end; }
  void update_interest();
  void finish(log::TerminationState state);

  common::io::EventLoop& loop_;
  PipePool& pipes_;
  BufferPool& buffers_;
  int client_fd_;
  int server_fd_;
  Timeouts timeouts_;
  Done done_;
  Direction up_;    // client -> server
  Direction down_;  // server -> client
  common::TimePoint client_active_;
  common::TimePoint server_active_;
  bool finished_ = false;
  common::io::IoWatcher client_watcher_;
  common::io::IoWatcher server_watcher_;
  common::io::TimerWatcher timer_;
};

}  // namespace proxyd::io
