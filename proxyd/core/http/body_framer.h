// Where a message body ends, whatever announced its length (RFC 9112 6.3):
// fed the bytes that arrived after the head, it says how many of them are
// body and whether the body is complete. The bytes pass through unchanged;
// a chunked body is checked chunk by chunk on the way (ChunkedScanner).
// One per direction of an HTTP session. Pure.
#pragma once

#include <cstdint>
#include <string_view>

#include "proxyd/core/http/message_head.h"

namespace proxyd::http {

class BodyFramer {
 public:
  struct Step {
    std::size_t body_bytes = 0;  // the first body_bytes of the input are body
    bool done = false;           // the body ended within them
    bool cut_short = false;      // the sender closed before the body's end
    std::string_view error;      // non-empty: malformed (chunked); nothing is body
  };

  // A new body, framed as <head> says.
  void start(const MessageHead& head);

  // <bytes>: what arrived and was not yet taken; <peer_closed>: the sender
  // closed its side (which ends an UntilClose body and cuts any other).
  Step feed(std::string_view bytes, bool peer_closed);

  bool done() const { return done_; }
  BodyFraming framing() const { return framing_; }

 private:
  BodyFraming framing_ = BodyFraming::None;
  std::uint64_t left_ = 0;  // ContentLength: bytes still to come
  ChunkedScanner chunks_;
  bool done_ = true;
};

}  // namespace proxyd::http
