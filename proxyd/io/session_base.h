// What a worker needs from any session it owns, TCP (session.h) or HTTP
// (http_session.h): start it, wake it when a server slot frees up, end it.
#pragma once

namespace proxyd::io {

struct ServerLive;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void start() = 0;
  // A server slot may have been freed: a queued session tries again.
  virtual void retry_from_queue() = 0;
  // Ends the session now (hard stop), logged as killed.
  virtual void kill() = 0;
  // A reload or a graceful stop: a session that can end between two
  // requests (HTTP keep-alive) does so at the next occasion, so clients
  // reconnect to the new configuration; a TCP session runs to its end.
  virtual void drain() {}
  // <server> went DOWN with on_marked_down=shutdown_sessions (or is a
  // backup whose sessions on_marked_up=shutdown_backup_sessions ends): a
  // session connected to it ends now, logged 'D' as HAProxy does.
  virtual void shut_down_for(const ServerLive* server) = 0;
};

}  // namespace proxyd::io
