// The runtime API's Unix stream socket ([global] admin_socket): one command
// line per connection (several commands may be ';'-separated), answered,
// then closed, like HAProxy's stats socket in non-interactive mode. Created
// with mode 0600 (or admin_socket_mode) and, when set, owned by
// admin_socket_user/group; a stale socket left by a crashed run is
// replaced, a live one (another proxyd answers on it) is an error.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/core/log/logger.h"
#include "common/core/result.h"
#include "common/io/event_loop.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/io/admin_service.h"
#include "proxyd/io/stats_exchange.h"

namespace proxyd::io {

class AdminSocket {
 public:
  // Creates the socket <global>.admin_socket (which must be set).
  static common::Result<std::unique_ptr<AdminSocket>> open(common::io::EventLoop& loop, common::log::Logger& logger,
                                                           const config::Global& global, AdminService& admin);
  // A runtime API listener on TCP (`admin_socket = ipv4@ADDR:PORT level L`).
  static common::Result<std::unique_ptr<AdminSocket>> open_tcp(common::io::EventLoop& loop, common::log::Logger& logger,
                                                               const config::Global::AdminTcp& listener,
                                                               AdminService& admin);
  // Removes the socket file, if it is still ours.
  ~AdminSocket();
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;

  const std::string& path() const { return path_; }

 private:
  struct Key {
    explicit Key() = default;
  };

 public:
  // For open() only (the Key is private).
  AdminSocket(Key, common::io::EventLoop& loop, common::log::Logger& logger, std::string path, stats::AccessLevel level,
              AdminService& admin);

 private:
  std::string path_;
  ino_t inode_ = 0;
  ExchangeServer exchange_;
};

}  // namespace proxyd::io
