#include "proxyd/io/stats_server.h"

#include <fmt/format.h>
#include <sys/random.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <map>
#include <random>
#include <set>

#include "proxyd/core/http/response.h"
#include "proxyd/core/stats/csv_render.h"
#include "proxyd/core/stats/health_verdict.h"
#include "proxyd/core/stats/html_render.h"
#include "proxyd/core/stats/json_render.h"
#include "proxyd/core/stats/prometheus_render.h"
#include "proxyd/core/stats/stats_http.h"
#include "proxyd/io/listen_socket.h"

namespace proxyd::io {
namespace {

constexpr http::Limits kLimits{8192, 64, 8192};

// The anti-CSRF token of the page's forms: 128 random bits, new at each
// start. A page from a previous run then asks to be reloaded.
std::string make_token() {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const auto n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
    } else if (errno != EINTR) {
      std::random_device device;  // no getrandom(2): the library's source
      for (; got < bytes.size(); ++got) bytes[got] = static_cast<std::uint8_t>(device());
    }
  }
  std::string token;
  for (const auto b : bytes) token += fmt::format("{:02x}", b);
  return token;
}

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

StatsServer::StatsServer(common::io::EventLoop& loop, common::log::Logger& logger, SnapshotSource snapshot,
                         AdminService& admin)
    : logger_(logger),
      snapshot_(std::move(snapshot)),
      admin_(admin),
      csrf_token_(make_token()),
      exchange_(loop, logger, "stats", [this](std::string_view received, bool eof, const std::string& peer) {
        return on_request(received, eof, peer);
      }) {}

common::Status StatsServer::configure(const std::optional<config::Stats>& settings) {
  std::map<std::string, common::io::UniqueFd> added;
  std::set<std::string> wanted;
  if (settings) {
    for (const auto& b : settings->binds) {
      const auto key = b.address.to_string();
      wanted.insert(key);
      if (exchange_.has_listener(key)) continue;
      auto fd = open_listen_socket(b.address);
      if (!fd) return common::fail("[stats]: {}", fd.error().describe());
      added[key] = std::move(*fd);
    }
  }
  for (const auto& key : exchange_.listener_keys()) {
    if (!wanted.contains(key)) exchange_.remove_listener(key);
  }
  for (auto& [key, fd] : added) {
    exchange_.add_listener(key, std::move(fd));
    logger_.notice("stats listening on {}", key);
  }
  settings_ = settings;
  return {};
}

std::optional<std::string> StatsServer::on_request(std::string_view received, bool eof, const std::string& peer) {
  http::RequestParser parser(kLimits);
  const auto parsed = parser.feed(as_bytes(received));
  using Status = http::ParseResult::Status;
  if (parsed.status == Status::NeedMore) return eof ? std::optional<std::string>("") : std::nullopt;
  if (parsed.status == Status::Error) {
    return http::serialize(http::text_response(parsed.http_status, parsed.error));
  }
  const auto& request = parser.request();
  if (request.chunked) return http::serialize(http::text_response(501, "chunked request bodies are not supported"));
  const auto body = received.substr(parsed.consumed);
  if (body.size() < request.content_length) return eof ? std::optional<std::string>("") : std::nullopt;
  return http::serialize(respond(request, body.substr(0, request.content_length), peer), request.method == "HEAD");
}

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "proxyd";
  return name;
}

}  // namespace

http::Response StatsServer::respond(const http::Request& request, std::string_view body, const std::string& peer) {
  if (!settings_) return http::text_response(404, "not found");
  // `admin = if COND`: this request's right to act, from its source address.
  auto settings = *settings_;
  if (settings.admin && settings.admin_condition) {
    sample::Context ctx;
    if (const auto source = common::net::Endpoint::parse(peer)) ctx.src = *source;
    settings.admin = sample::evaluate(*settings.admin_condition, ctx);
  }
  return answer(stats::route_stats_request(request, body, settings, csrf_token_), settings, peer);
}

http::Response StatsServer::answer(const stats::StatsRoute& route, const config::Stats& settings,
                                   const std::string& peer) {
  struct Visitor {
    StatsServer& self;
    const config::Stats& settings;
    const std::string& peer;
    http::Response operator()(const stats::ServePage& page) {
      const auto snapshot = self.snapshot_();
      switch (page.format) {
        case stats::PageFormat::Csv:
          return stats::page_response(page.format, stats::render_csv(snapshot));
        case stats::PageFormat::Json:
          return stats::page_response(page.format, stats::render_json(snapshot));
        case stats::PageFormat::Html:
          break;
      }
      const stats::HtmlOptions options{settings.uri,
                                       settings.refresh,
                                       settings.admin,
                                       self.csrf_token_,
                                       page.notice,
                                       settings.hide_version,
                                       settings.show_node == "true" ? host_name() : settings.show_node,
                                       settings.show_legends};
      return stats::page_response(page.format, stats::render_html(snapshot, options));
    }
    http::Response operator()(const stats::ServeMetrics&) {
      return stats::metrics_response(stats::render_prometheus(self.snapshot_()));
    }
    http::Response operator()(const stats::ServeHealth&) {
      return stats::health_response(stats::evaluate_health(self.snapshot_()));
    }
    http::Response operator()(const stats::ApplyAction& action) {
      const auto answer = self.admin_.execute(action.command, fmt::format("stats page, {}", peer));
      return stats::action_redirect(
          settings, is_error_answer(answer) ? stats::ActionOutcome::NoSuchServer : stats::ActionOutcome::Done);
    }
    http::Response operator()(const http::Response& response) { return response; }
  };
  return std::visit(Visitor{*this, settings, peer}, route);
}

}  // namespace proxyd::io
