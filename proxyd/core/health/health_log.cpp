#include "proxyd/core/health/health_log.h"

#include <fmt/format.h>

#include <iterator>

namespace proxyd::health {

std::string log_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e || c == '<' || c == '>' || c == '"') {
      fmt::format_to(std::back_inserter(out), "<{:02X}>", byte);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

// ". 1 active and 0 backup servers left. ..." after the reason.
void append_counts(std::string& out, ServerHealth to, const BackendSummary& summary) {
  auto it = std::back_inserter(out);
  const bool on_backup = summary.active_servers == 0 && summary.backup_servers > 0;
  const std::string_view running_on_backup = on_backup ? " Running on backup." : "";
  switch (to) {
    case ServerHealth::Down:
      fmt::format_to(it,
                     ". {} active and {} backup servers left.{} {} sessions active, {} requeued, {} remaining in "
                     "queue.",
                     summary.active_servers, summary.backup_servers, running_on_backup, summary.sessions_active,
                     summary.requeued, summary.queued);
      break;
    case ServerHealth::Up:
      fmt::format_to(it, ". {} active and {} backup servers online.{} {} sessions requeued, {} total in queue.",
                     summary.active_servers, summary.backup_servers, running_on_backup, summary.requeued,
                     summary.queued);
      break;
  }
}

}  // namespace

std::string format_transition(std::string_view backend, std::string_view server, bool backup_server,
                              const HealthTransition& transition, const BackendSummary& summary) {
  std::string out = fmt::format("{}Server {}/{} is {}, reason: {}", backup_server ? "Backup " : "", backend, server,
                                health_name(transition.to), describe(transition.cause.status));
  auto it = std::back_inserter(out);
  if (transition.cause.code != 0) fmt::format_to(it, ", code: {}", transition.cause.code);
  if (!transition.cause.info.empty()) fmt::format_to(it, ", info: \"{}\"", log_escape(transition.cause.info));
  fmt::format_to(it, ", check duration: {}ms", transition.cause.duration.count());
  append_counts(out, transition.to, summary);
  return out;
}

std::string format_agent_transition(std::string_view backend, std::string_view server, bool backup_server,
                                    ServerHealth to, std::string_view description, const BackendSummary& summary) {
  std::string out = fmt::format("{}Server {}/{} is {}, reason: Agent reports {}", backup_server ? "Backup " : "",
                                backend, server, health_name(to), to == ServerHealth::Up ? "up" : "down");
  if (!description.empty()) fmt::format_to(std::back_inserter(out), ", info: \"{}\"", log_escape(description));
  append_counts(out, to, summary);
  return out;
}

std::string format_no_server_available(std::string_view backend) {
  return fmt::format("backend {} has no server available!", backend);
}

}  // namespace proxyd::health
