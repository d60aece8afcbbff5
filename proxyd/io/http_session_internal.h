// What the parts of HttpSession (http_session.cpp, http_session_response.cpp,
// http_session_rules.cpp) share: buffer sizes and byte moves.
#pragma once

#include <chrono>

#include <atomic>

#include "common/core/log/logger.h"
#include "proxyd/core/http/message_head.h"
#include "proxyd/core/log/log_time.h"
#include "proxyd/core/log/termination_state.h"
#include "proxyd/io/buffer_pool.h"
#include "proxyd/io/byte_buffer.h"
#include "proxyd/io/tls/stream.h"

namespace proxyd::io::http_detail {

// The names every part uses (each file says `using namespace http_detail`).
using common::log::Level;
using log::SessionPhase;
using log::TerminationCause;
using log::TerminationState;
using std::memory_order_relaxed;
using Status = StreamResult::Status;

// Bytes waiting for a slow receiver before reading from the other side
// pauses (backpressure).
constexpr std::size_t kMaxPending = 128 * 1024;
constexpr std::size_t kReadChunk = kRelayBufferSize;
// Bodies and tunnels read in larger blocks: a bulk transfer then costs a
// read and a write per 64 KiB (blocks exist only while bytes are in flight).
constexpr std::size_t kBodyChunk = 4 * kRelayBufferSize;

inline log::WallClockTime wall_now(std::chrono::minutes utc_offset) {
  return {std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()), utc_offset};
}

// Moves the first <n> bytes of <from> to the end of <to>; when they are all
// of <from> and <to> is empty, the blocks are swapped instead of copied.
inline void move_bytes(ByteBuffer& from, ByteBuffer& to, std::size_t n) {
  if (n == 0) return;
  if (to.empty() && n == from.size()) {
    from.swap(to);
    return;
  }
  to.append(from.view().substr(0, n));
  from.consume(n);
}

// A tunnel's step: everything that came goes on; true when anything did.
inline bool move_all(ByteBuffer& from, ByteBuffer& to) {
  const bool moved = !from.empty();
  move_bytes(from, to, from.size());
  return moved;
}

// Content-Length: 0 is no body: such a request can be sent again as is.
inline bool has_body(const http::MessageHead& head) {
  return head.framing != http::BodyFraming::None &&
         !(head.framing == http::BodyFraming::ContentLength && head.content_length == 0);
}

}  // namespace proxyd::io::http_detail
