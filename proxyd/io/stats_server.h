// The [stats] listener: a small HTTP/1.1 responder on the control thread's
// loop (never on a worker, so it cannot stall the data path). Each request
// is parsed by core/http, routed and guarded by core/stats/stats_http, and
// answered from a fresh snapshot; one request per connection.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/core/log/logger.h"
#include "common/core/result.h"
#include "common/io/event_loop.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/http/request_parser.h"
#include "proxyd/core/http/response.h"
#include "proxyd/core/stats/stats_http.h"
#include "proxyd/core/stats/stats_snapshot.h"
#include "proxyd/io/admin_service.h"
#include "proxyd/io/stats_exchange.h"

namespace proxyd::io {

class StatsServer {
 public:
  using SnapshotSource = std::function<stats::StatsSnapshot()>;

  StatsServer(common::io::EventLoop& loop, common::log::Logger& logger, SnapshotSource snapshot, AdminService& admin);

  // Applies <settings> (nullopt: no [stats] section). Sockets for new
  // addresses are opened first; if one fails nothing changes and the error
  // says which. Unchanged addresses keep their socket.
  common::Status configure(const std::optional<config::Stats>& settings);
  // The response to <route> (a page, metrics, health or an action) with the
  // page settings <settings>: the [stats] listener's, or a proxy's own.
  http::Response answer(const stats::StatsRoute& route, const config::Stats& settings, const std::string& peer = "");

 private:
  std::optional<std::string> on_request(std::string_view received, bool eof, const std::string& peer);
  http::Response respond(const http::Request& request, std::string_view body, const std::string& peer);

  common::log::Logger& logger_;
  SnapshotSource snapshot_;
  AdminService& admin_;
  std::optional<config::Stats> settings_;
  std::string csrf_token_;
  ExchangeServer exchange_;
};

}  // namespace proxyd::io
