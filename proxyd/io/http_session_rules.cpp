// HttpSession: the rules (tcp_request content, http_request, tarpit,
// http_response) and the access log line of each transaction.
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "proxyd/core/balance/request_hash.h"
#include "proxyd/core/http/cookie_persistence.h"
#include "proxyd/core/http/head_editor.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/log/access_log_policy.h"
#include "proxyd/core/stats/stats_http.h"
#include "proxyd/io/http_session.h"
#include "proxyd/io/http_session_internal.h"
#include "proxyd/io/tls/tls_context.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using namespace http_detail;

// The context the rules of this connection read (the request or response
// head is added by the caller).
sample::Context HttpSession::rule_context() {
  sample::Context ctx;
  ctx.src = client_address_;
  ctx.dst = local_address_;
  ctx.frontend = frontend_.config.name;
  ctx.tls = tls_ != nullptr;
  if (client_) ctx.sni = client_->server_name();
  ctx.library = generation_->config.library.get();
  ctx.runtime = &generation_->live_state;
  ctx.now_unix = &unix_now;
  ctx.random = &random_u64;
  ctx.vars = &vars_;
  return ctx;
}

// The request's rules and routing: tcp_request content, the frontend's
// http_request rules, redirects, use_backend, then the backend's rules.
// False when the request was answered (or closed) here.
bool HttpSession::route_request() {
  const auto& head = request_head_.head();
  sample::Context ctx = rule_context();
  ctx.request = &head;
  ctx.payload_length = static_cast<std::int64_t>(head_length_);
  if (tcp::has_stage(frontend_.config.tcp_request, tcp::Stage::Content) &&
      tcp::run_tcp_rules(frontend_.config.tcp_request, tcp::Stage::Content, ctx).verdict == tcp::Verdict::Reject) {
    // HAProxy's `tcp-request content reject` in mode http: the connection closes, no response.
    finish({TerminationCause::Proxy, SessionPhase::Request});
    return false;
  }
  request_actions_ = {};
  if (run_request_actions(frontend_.config.http_request, ctx)) return false;
  if (serve_stats_page(fe_settings_, frontend_.config.name)) return false;
  for (const auto& rule : frontend_.config.redirects) {
    if (rule.condition && !sample::evaluate(*rule.condition, ctx)) continue;
    respond_and_close(rule.code, http::build_redirect(rule, head.header("host").value_or(""), head.target),
                      {TerminationCause::Local, SessionPhase::Request});
    return false;
  }
  const auto chosen = http::select_backend(frontend_.config.use_backends, ctx);
  // A computed name that names no backend means the default one (HAProxy's rule).
  backend_ = chosen ? generation_->find_backend(*chosen) : nullptr;
  if (backend_ == nullptr) backend_ = frontend_.backend;
  if (backend_ == nullptr) {
    respond_failure(http::Failure::NoBackend);
    return false;
  }
  record_.backend = backend_->config.name;
  raise_max(backend_->active_max, backend_->active.fetch_add(1, memory_order_relaxed) + 1);
  if (!backend_->config.http_request.empty()) {
    ctx.backend = backend_->config.name;
    request_actions_.stop = http::ActionResult::Stop::None;
    if (run_request_actions(backend_->config.http_request, ctx)) return false;
  }
  return !serve_stats_page(backend_->config.settings, backend_->config.name);
}

// The stats page of a proxy (its stats_uri, after its http_request rules,
// as HAProxy): true when this request is for it.
bool HttpSession::serve_stats_page(const config::ProxySettings& settings, const std::string& proxy) {
  if (!settings.stats) return false;
  const auto& head = request_head_.head();
  auto route = stats::route_inline_stats(head.method, head.target, head.header("authorization"), *settings.stats);
  if (!route) return false;
  serve_page(std::move(*route), *settings.stats, proxy, "<STATS>");
  return true;
}

// A page of proxyd's: rendered on the control thread (it holds the
// counters' history), answered when it comes back; logged PROXY/<STATS> or
// PROXY/<PROMEX>, LR, as HAProxy.
void HttpSession::serve_page(stats::StatsRoute route, config::Stats page, const std::string& proxy,
                             std::string_view service) {
  record_.backend = proxy;
  record_.server = std::string(service);
  if (const auto* answer = std::get_if<http::Response>(&route)) {
    respond_and_close(answer->status, http::serialize(*answer), {TerminationCause::Local, SessionPhase::Request});
    return;
  }
  txn_.request = RequestPhase::Service;
  arm_timer();
  if (!alive_) alive_ = std::make_shared<char>();
  std::weak_ptr<char> alive = alive_;
  Worker* worker = &worker_;
  worker_.serve({std::move(route), std::move(page), [worker, alive, this](int status, std::string response) {
                   worker->post([alive, this, status, response = std::move(response)](Worker&) {
                     if (alive.expired()) return;
                     respond_and_close(status, response, {TerminationCause::Local, SessionPhase::Request});
                     drive();
                   });
                 }});
}

namespace {

// Whether cookie <value> names <server>: its cookie= compared as it stands (no
// copy per server and request), a dynamic cookie only where the backend has them.
bool names_server(const ServerShared& server, const config::ProxySettings& backend, std::string_view value) {
  if (value.empty()) return false;
  if (!server.config.cookie.empty()) return server.config.cookie == value;
  return backend.cookie && backend.cookie->dynamic && server_cookie(server, backend) == value;
}

}  // namespace

// Persistence cookie: the server it names, while that server is up.
void HttpSession::find_cookie_target(const http::MessageHead& head) {
  const auto& be = backend_->config.settings;
  cookie_target_ = nullptr;
  insert_cookie_ = false;
  record_.cookie_request = '-';
  record_.cookie_response = '-';
  if (!be.cookie) return;
  const http::HeadEditor view(head);
  const auto value = http::find_persistence_cookie(*be.cookie, view);
  record_.cookie_request = 'N';
  record_.cookie_response = 'N';
  if (value) {
    record_.cookie_request = 'I';
    for (const auto& s : backend_->servers) {
      if (names_server(*s, be, *value)) cookie_target_ = s.get();
    }
    if (cookie_target_ != nullptr) {
      const auto& live = *cookie_target_->live;
      const bool usable = live.serving();
      record_.cookie_request = usable ? 'V' : 'D';
      if (!usable) cookie_target_ = nullptr;
    }
  }
  insert_cookie_ = cookie_target_ == nullptr && be.cookie->mode == http::CookieSettings::Mode::Insert;
}

// http_request rules of one section: edits apply to request_head_ at once;
// deny, tarpit, auth, return and redirect answer here. True when the
// request was answered (or is held in the tarpit).
bool HttpSession::run_request_actions(std::span<const http::HttpAction> rules, sample::Context& ctx) {
  if (rules.empty()) return false;
  http::run_actions(rules, ctx, request_head_, request_actions_);
  auto& r = request_actions_;
  using Stop = http::ActionResult::Stop;
  switch (r.stop) {
    case Stop::None:
    case Stop::Allow:
      return false;
    case Stop::Deny:
      respond_and_close(r.status, r.response.empty() ? error_pages().response(r.status) : r.response,
                        {TerminationCause::Proxy, SessionPhase::Request});
      return true;
    case Stop::Tarpit:
      start_tarpit();
      return true;
    case Stop::Auth:
      respond_and_close(r.status, r.response, {TerminationCause::Proxy, SessionPhase::Request});
      return true;
    case Stop::Return:
    case Stop::Redirect:
      respond_and_close(r.status, r.response, {TerminationCause::Local, SessionPhase::Request});
      return true;
    case Stop::Service:
      serve_page(stats::ServeMetrics{}, {}, std::string(ctx.backend.empty() ? frontend_.config.name : ctx.backend),
                 "<PROMEX>");
      return true;
  }
  return false;
}

// tarpit: the request is held (nothing read from the client) for
// timeout_tarpit, then answered; logged PT.
void HttpSession::start_tarpit() {
  const auto& settings = backend_ != nullptr ? backend_->config.settings : fe_settings_;
  const auto hold = settings.timeout_tarpit.value_or(settings.timeout_connect);
  txn_.request = RequestPhase::Tarpit;
  txn_.tarpit_until = worker_.loop().now() + hold;
  arm_timer();
}

void HttpSession::end_tarpit() {
  txn_.tarpit_until.reset();
  const auto& r = request_actions_;
  respond_and_close(r.status, r.response.empty() ? error_pages().response(r.status) : r.response,
                    {TerminationCause::Proxy, SessionPhase::Tarpit});
}

// http_response rules, the backend's then the frontend's, editing
// response_head_ (they read the request too). False when the response was
// replaced: a deny answers 502 (PH), a return or redirect its own.
bool HttpSession::run_response_actions() {
  const auto& fe_rules = frontend_.config.http_response;
  const auto& be_rules = backend_->config.http_response;
  if (fe_rules.empty() && be_rules.empty()) return true;
  sample::Context ctx = rule_context();
  ctx.backend = backend_->config.name;
  ctx.request = &request_head_.head();
  ctx.response = &response_head_.head();
  http::ActionResult result;
  using Stop = http::ActionResult::Stop;
  http::run_actions(be_rules, ctx, response_head_, result);
  if (result.stop == Stop::None || result.stop == Stop::Allow) {
    result.stop = Stop::None;
    if (&be_rules != &fe_rules) http::run_actions(fe_rules, ctx, response_head_, result);
  }
  if (result.log_level) request_actions_.log_level = result.log_level;
  store_captures(frontend_.config.capture_response_headers, result.captures, record_.response_captures);
  switch (result.stop) {
    case Stop::None:
    case Stop::Allow:
      return true;
    case Stop::Return:
    case Stop::Redirect:
      close_server(false);  // its body is not read
      respond_and_close(result.status, result.response, {TerminationCause::Local, SessionPhase::Headers});
      return false;
    default:
      count_server_error();
      respond_error(502, {TerminationCause::Proxy, SessionPhase::Headers});
      return false;
  }
}

void HttpSession::log_transaction(TerminationState termination) {
  record_.termination = termination;
  record_.total = since(accepted_);
  record_.active_time = since(txn_.request_started);
  record_.process_connections = worker_.process().connections.load(memory_order_relaxed);
  record_.frontend_connections = frontend_.active.load(memory_order_relaxed);
  record_.backend_connections = backend_ ? backend_->active.load(memory_order_relaxed) : 0;
  auto* server = connector_.server();
  record_.server_connections = server ? server->live->active.load(memory_order_relaxed) : 0;
  const auto slot = counter_slot();
  frontend_.counters.add(slot, FrontendCounter::BytesIn, record_.bytes_from_client);
  frontend_.counters.add(slot, FrontendCounter::BytesOut, record_.bytes_to_client);
  if (server != nullptr) {
    server->live->counters.add(slot, ServerCounter::BytesIn, record_.bytes_from_client);
    server->live->counters.add(slot, ServerCounter::BytesOut, record_.bytes_to_client);
  }
  render_log_samples();
  store_captures(frontend_.config.capture_request_headers, request_actions_.captures, record_.request_captures);
  const log::AccessLogPolicy policy{fe_settings_.dontlognull, fe_settings_.dontlog_normal,
                                    fe_settings_.log_separate_errors};
  const auto& set_level = request_actions_.log_level;
  if (const auto level = log::access_log_level(
          policy, record_, set_level ? std::optional<std::string_view>(*set_level) : std::nullopt)) {
    // Rendered into a buffer reused by every request of this thread.
    thread_local std::string line;
    line.clear();
    frontend_.log_format.render_to(record_, line);
    worker_.logger().log(*level, line);
  }
  // The next transaction starts a fresh record.
  log::TcpSessionRecord next;
  next.client = record_.client;
  next.accepted = record_.accepted;
  next.frontend = record_.frontend;
  next.backend = frontend_.config.name;
  record_ = std::move(next);
  request_actions_ = {};  // set-log-level was this transaction's
  request_head_seen_ = false;
  response_head_seen_ = false;
  response_bytes_seen_ = false;
}

// The capture slots, for httplog's {…}: capture_request_header and
// capture_response_header take the first field of each name, cut to its
// length ("" when absent); the slots the rules fill start empty.
void HttpSession::capture_headers(const std::vector<config::CaptureHeader>& captures, const http::MessageHead& head,
                                  std::vector<std::string>& out) {
  out.clear();
  for (const auto& c : captures) {
    out.emplace_back(c.name.empty() ? std::string_view() : head.header(c.name).value_or("").substr(0, c.len));
  }
}

// What the `capture` actions took, each cut to its slot's length.
void HttpSession::store_captures(const std::vector<config::CaptureHeader>& slots,
                                 std::span<const std::pair<std::size_t, std::string>> taken,
                                 std::vector<std::string>& out) {
  for (const auto& [id, value] : taken) {
    if (id < slots.size() && id < out.size()) out[id] = std::string_view(value).substr(0, slots[id].len);
  }
}

// The log format's %[...] samples, with the request and response as the
// rules left them.
void HttpSession::render_log_samples() {
  const auto& expressions = frontend_.log_format.expressions();
  if (expressions.empty()) return;
  auto ctx = rule_context();
  if (backend_ != nullptr) ctx.backend = backend_->config.name;
  if (request_head_seen_) ctx.request = &request_head_.head();
  if (response_head_seen_) ctx.response = &response_head_.head();
  record_.samples.clear();
  for (const auto& e : expressions) {
    const auto value = sample::evaluate_first(e, ctx);
    record_.samples.push_back(value ? value->as_text() : std::string("-"));
  }
}

}  // namespace proxyd::io
