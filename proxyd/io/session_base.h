// What a worker needs from any session it owns, TCP (session.h) or HTTP
// (http_session.h): start it, wake it when a server slot frees up, end it.
#pragma once

namespace proxyd::io {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void start() = 0;
  // A server slot may have been freed: a queued session tries again.
  virtual void retry_from_queue() = 0;
  // Ends the session now (hard stop), logged as killed.
  virtual void kill() = 0;
};

}  // namespace proxyd::io
