#include "proxyd/core/stats/prometheus_render.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <utility>
#include <vector>

#include "proxyd/core/stats/health_verdict.h"

namespace proxyd::stats {
namespace {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

template <class T>
struct Metric {
  std::string_view name;
  std::string_view type;
  std::string_view help;
  double (*value)(const T&);
};

double secs(common::Duration d) {
  return static_cast<double>(d.count()) / 1000.0;
}

// Frontends.
constexpr Metric<FrontendSnapshot> kFrontendMetrics[] = {
    {"proxyd_frontend_current_sessions", "gauge", "Current sessions.",
     [](const FrontendSnapshot& f) -> double { return f.current_sessions; }},
    {"proxyd_frontend_max_sessions", "gauge", "Most concurrent sessions since the last reload.",
     [](const FrontendSnapshot& f) -> double { return f.max_sessions; }},
    {"proxyd_frontend_limit_sessions", "gauge", "Configured session limit (0: process limit only).",
     [](const FrontendSnapshot& f) -> double { return f.session_limit; }},
    {"proxyd_frontend_sessions_total", "counter", "Sessions accepted since the last reload.",
     [](const FrontendSnapshot& f) -> double { return static_cast<double>(f.counters.sessions); }},
    {"proxyd_frontend_bytes_in_total", "counter", "Bytes received from clients.",
     [](const FrontendSnapshot& f) -> double { return static_cast<double>(f.counters.bytes_in); }},
    {"proxyd_frontend_bytes_out_total", "counter", "Bytes sent to clients.",
     [](const FrontendSnapshot& f) -> double { return static_cast<double>(f.counters.bytes_out); }},
    {"proxyd_frontend_request_errors_total", "counter", "Request errors (bad PROXY header, client gone or silent).",
     [](const FrontendSnapshot& f) -> double { return static_cast<double>(f.counters.request_errors); }},
};

// Backends; counters are the sums of their servers'.
constexpr Metric<BackendSnapshot> kBackendMetrics[] = {
    {"proxyd_backend_current_sessions", "gauge", "Current sessions, queued and connecting ones included.",
     [](const BackendSnapshot& b) -> double { return b.current_sessions; }},
    {"proxyd_backend_max_sessions", "gauge", "Most concurrent sessions since the last reload.",
     [](const BackendSnapshot& b) -> double { return b.max_sessions; }},
    {"proxyd_backend_current_queue", "gauge", "Sessions waiting for a server slot.",
     [](const BackendSnapshot& b) -> double { return b.queue_current; }},
    {"proxyd_backend_max_queue", "gauge", "Longest queue since the last reload.",
     [](const BackendSnapshot& b) -> double { return b.queue_max; }},
    {"proxyd_backend_active_servers", "gauge", "Non-backup servers in service.",
     [](const BackendSnapshot& b) -> double { return b.active_servers(); }},
    {"proxyd_backend_backup_servers", "gauge", "Backup servers in service.",
     [](const BackendSnapshot& b) -> double { return b.backup_servers(); }},
    {"proxyd_backend_weight", "gauge", "Total weight of the servers in service.",
     [](const BackendSnapshot& b) -> double { return b.total_weight(); }},
    {"proxyd_backend_sessions_total", "counter", "Sessions sent to a server of the backend.",
     [](const BackendSnapshot& b) -> double { return static_cast<double>(b.totals().sessions); }},
    {"proxyd_backend_bytes_in_total", "counter", "Bytes received from clients.",
     [](const BackendSnapshot& b) -> double { return static_cast<double>(b.totals().bytes_in); }},
    {"proxyd_backend_bytes_out_total", "counter", "Bytes sent to clients.",
     [](const BackendSnapshot& b) -> double { return static_cast<double>(b.totals().bytes_out); }},
    {"proxyd_backend_connection_errors_total", "counter", "Failed connection attempts to servers.",
     [](const BackendSnapshot& b) -> double { return static_cast<double>(b.totals().connect_errors); }},
    {"proxyd_backend_response_errors_total", "counter", "Sessions aborted or timed out by a server during data.",
     [](const BackendSnapshot& b) -> double { return static_cast<double>(b.totals().response_errors); }},
    {"proxyd_backend_retry_warnings_total", "counter", "Connection retries.",
     [](const BackendSnapshot& b) -> double { return static_cast<double>(b.totals().retries); }},
    {"proxyd_backend_redispatch_warnings_total", "counter", "Retries redispatched to another server.",
     [](const BackendSnapshot& b) -> double { return static_cast<double>(b.totals().redispatches); }},
};

constexpr Metric<ServerSnapshot> kServerMetrics[] = {
    {"proxyd_server_current_sessions", "gauge", "Current sessions.",
     [](const ServerSnapshot& s) -> double { return s.current_sessions; }},
    {"proxyd_server_max_sessions", "gauge", "Most concurrent sessions.",
     [](const ServerSnapshot& s) -> double { return s.max_sessions; }},
    {"proxyd_server_limit_sessions", "gauge", "Configured maxconn (0: unlimited).",
     [](const ServerSnapshot& s) -> double { return s.session_limit; }},
    {"proxyd_server_weight", "gauge", "Current weight.", [](const ServerSnapshot& s) -> double { return s.weight; }},
    {"proxyd_server_last_status_change_seconds", "gauge", "Seconds since the last health or admin state change.",
     [](const ServerSnapshot& s) { return secs(s.since_change); }},
    {"proxyd_server_sessions_total", "counter", "Sessions sent to the server.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.counters.sessions); }},
    {"proxyd_server_bytes_in_total", "counter", "Bytes received from clients.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.counters.bytes_in); }},
    {"proxyd_server_bytes_out_total", "counter", "Bytes sent to clients.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.counters.bytes_out); }},
    {"proxyd_server_connection_errors_total", "counter", "Failed connection attempts.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.counters.connect_errors); }},
    {"proxyd_server_response_errors_total", "counter", "Sessions aborted or timed out by the server during data.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.counters.response_errors); }},
    {"proxyd_server_retry_warnings_total", "counter", "Connection retries.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.counters.retries); }},
    {"proxyd_server_redispatch_warnings_total", "counter", "Retries redispatched away from the server.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.counters.redispatches); }},
    {"proxyd_server_check_failures_total", "counter", "Failed health checks.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.check.failed_checks); }},
    {"proxyd_server_check_up_down_total", "counter", "UP to DOWN transitions.",
     [](const ServerSnapshot& s) -> double { return static_cast<double>(s.check.downs); }},
    {"proxyd_server_downtime_seconds_total", "counter", "Time spent DOWN.",
     [](const ServerSnapshot& s) { return secs(s.downtime); }},
};

constexpr std::string_view kHttpCodes[kHttpClasses] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }

  void sample(std::string_view name, const Labels& labels, double value) {
    auto it = std::back_inserter(out_);
    out_ += name;
    if (!labels.empty()) {
      out_.push_back('{');
      for (std::size_t i = 0; i < labels.size(); ++i) {
        fmt::format_to(it, "{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first,
                       prometheus_label_escape(labels[i].second));
      }
      out_.push_back('}');
    }
    fmt::format_to(it, " {}\n", format_value(value));
  }

  std::string take() { return std::move(out_); }

 private:
  // Integers print as integers (exact below 2^53, which bytes counters do
  // not reach in practice); other values in the shortest exact form.
  static std::string format_value(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
      return std::to_string(static_cast<std::int64_t>(v));
    }
    return fmt::format("{}", v);
  }

  std::string out_;
};

Labels proxy_label(const std::string& name) {
  return {{"proxy", name}};
}

Labels server_labels(const BackendSnapshot& b, const ServerSnapshot& s) {
  return {{"proxy", b.name}, {"server", s.name}};
}

void process_metrics(Writer& w, const StatsSnapshot& snapshot) {
  const auto& p = snapshot.process;
  w.family("proxyd_build_info", "gauge", "Always 1; the version as a label.");
  w.sample("proxyd_build_info", {{"version", p.version}}, 1);
  const auto started = std::chrono::duration_cast<std::chrono::milliseconds>(p.started_at.time_since_epoch());
  const std::tuple<std::string_view, std::string_view, std::string_view, double> items[] = {
      {"proxyd_process_start_time_seconds", "gauge", "Start time of the process, seconds since the Unix epoch.",
       secs(started)},
      {"proxyd_process_uptime_seconds", "gauge", "Seconds since the process started.", secs(p.uptime)},
      {"proxyd_process_threads", "gauge", "Worker threads.", p.threads},
      {"proxyd_process_max_connections", "gauge", "Process-wide connection limit (maxconn).", p.maxconn},
      {"proxyd_process_current_connections", "gauge", "Current connections.", p.current_connections},
      {"proxyd_process_reloads_total", "counter", "Configuration reloads.", static_cast<double>(p.generation)},
      {"proxyd_process_stopping", "gauge", "1 while stopping gracefully.", p.stopping ? 1 : 0},
      {"proxyd_process_healthy", "gauge", "1 when the health endpoint answers 200.",
       evaluate_health(snapshot).healthy ? 1 : 0},
  };
  for (const auto& [name, type, help, value] : items) {
    w.family(name, type, help);
    w.sample(name, {}, value);
  }
}

void frontend_metrics(Writer& w, const StatsSnapshot& snapshot) {
  w.family("proxyd_frontend_status", "gauge", "1 for the frontend's current state (OPEN: listening, STOP).");
  for (const auto& f : snapshot.frontends) {
    for (const std::string_view state : {"OPEN", "STOP"}) {
      w.sample("proxyd_frontend_status", {{"proxy", f.name}, {"state", std::string(state)}},
               (state == "OPEN") == f.listening ? 1 : 0);
    }
  }
  for (const auto& m : kFrontendMetrics) {
    w.family(m.name, m.type, m.help);
    for (const auto& f : snapshot.frontends) w.sample(m.name, proxy_label(f.name), m.value(f));
  }
  w.family("proxyd_frontend_http_responses_total", "counter", "HTTP responses by status class.");
  for (const auto& f : snapshot.frontends) {
    for (std::size_t i = 0; i < kHttpClasses; ++i) {
      w.sample("proxyd_frontend_http_responses_total", {{"proxy", f.name}, {"code", std::string(kHttpCodes[i])}},
               static_cast<double>(f.counters.http_responses[i]));
    }
  }
}

void backend_metrics(Writer& w, const StatsSnapshot& snapshot) {
  w.family("proxyd_backend_status", "gauge", "1 for the backend's current state (UP: a server in service, DOWN).");
  for (const auto& b : snapshot.backends) {
    for (const std::string_view state : {"UP", "DOWN"}) {
      w.sample("proxyd_backend_status", {{"proxy", b.name}, {"state", std::string(state)}},
               (state == "UP") == b.in_service() ? 1 : 0);
    }
  }
  for (const auto& m : kBackendMetrics) {
    w.family(m.name, m.type, m.help);
    for (const auto& b : snapshot.backends) w.sample(m.name, proxy_label(b.name), m.value(b));
  }
  w.family("proxyd_backend_http_responses_total", "counter", "HTTP responses by status class.");
  for (const auto& b : snapshot.backends) {
    const auto totals = b.totals();
    for (std::size_t i = 0; i < kHttpClasses; ++i) {
      w.sample("proxyd_backend_http_responses_total", {{"proxy", b.name}, {"code", std::string(kHttpCodes[i])}},
               static_cast<double>(totals.http_responses[i]));
    }
  }
}

// The status label: "no check" servers are UP for alerting purposes.
std::string_view prometheus_state(const ServerSnapshot& s) {
  const auto status = s.status();
  return status == ServerStatus::NoCheck ? status_name(ServerStatus::Up) : status_name(status);
}

void server_check_histograms(Writer& w, const StatsSnapshot& snapshot) {
  constexpr std::string_view kName = "proxyd_server_check_duration_seconds";
  w.family(kName, "histogram", "Health check durations.");
  for (const auto& b : snapshot.backends) {
    for (const auto& s : b.servers) {
      if (!s.check.enabled) continue;
      const auto& h = s.check.durations;
      for (std::size_t i = 0; i < Histogram::kBoundsMs.size(); ++i) {
        auto labels = server_labels(b, s);
        labels.emplace_back("le", fmt::format("{}", static_cast<double>(Histogram::kBoundsMs[i]) / 1000.0));
        w.sample("proxyd_server_check_duration_seconds_bucket", labels, static_cast<double>(h.cumulative(i)));
      }
      auto labels = server_labels(b, s);
      labels.emplace_back("le", "+Inf");
      w.sample("proxyd_server_check_duration_seconds_bucket", labels, static_cast<double>(h.count()));
      w.sample("proxyd_server_check_duration_seconds_sum", server_labels(b, s), secs(h.sum()));
      w.sample("proxyd_server_check_duration_seconds_count", server_labels(b, s), static_cast<double>(h.count()));
    }
  }
}

void server_metrics(Writer& w, const StatsSnapshot& snapshot) {
  w.family("proxyd_server_status", "gauge", "1 for the server's current state (UP, DOWN, DRAIN, MAINT).");
  for (const auto& b : snapshot.backends) {
    for (const auto& s : b.servers) {
      for (const auto state : {ServerStatus::Up, ServerStatus::Down, ServerStatus::Drain, ServerStatus::Maint}) {
        auto labels = server_labels(b, s);
        labels.emplace_back("state", std::string(status_name(state)));
        w.sample("proxyd_server_status", labels, prometheus_state(s) == status_name(state) ? 1 : 0);
      }
    }
  }
  for (const auto& m : kServerMetrics) {
    w.family(m.name, m.type, m.help);
    for (const auto& b : snapshot.backends) {
      for (const auto& s : b.servers) w.sample(m.name, server_labels(b, s), m.value(s));
    }
  }
  w.family("proxyd_server_http_responses_total", "counter", "HTTP responses by status class.");
  for (const auto& b : snapshot.backends) {
    for (const auto& s : b.servers) {
      for (std::size_t i = 0; i < kHttpClasses; ++i) {
        auto labels = server_labels(b, s);
        labels.emplace_back("code", std::string(kHttpCodes[i]));
        w.sample("proxyd_server_http_responses_total", labels, static_cast<double>(s.counters.http_responses[i]));
      }
    }
  }
  server_check_histograms(w, snapshot);
}

}  // namespace

std::string prometheus_label_escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string render_prometheus(const StatsSnapshot& snapshot) {
  Writer w;
  process_metrics(w, snapshot);
  frontend_metrics(w, snapshot);
  backend_metrics(w, snapshot);
  server_metrics(w, snapshot);
  return w.take();
}

}  // namespace proxyd::stats
