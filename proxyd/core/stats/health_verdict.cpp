#include "proxyd/core/stats/health_verdict.h"

#include <fmt/format.h>

#include <set>
#include <vector>

#include "common/core/text.h"

namespace proxyd::stats {

HealthVerdict evaluate_health(const StatsSnapshot& snapshot) {
  std::vector<std::string> problems;
  if (snapshot.process.stopping) problems.emplace_back("stopping");
  std::set<std::string> checked;
  for (const auto& f : snapshot.frontends) {
    if (!f.listening) problems.push_back(fmt::format("frontend {} is not listening", f.name));
    if (f.backend.empty() || !checked.insert(f.backend).second) continue;  // rules only: no default to judge
    const auto* backend = snapshot.find_backend(f.backend);
    if (backend == nullptr || !backend->in_service()) {
      problems.push_back(fmt::format("backend {} has no usable server", f.backend));
    }
  }
  if (problems.empty()) return {true, "ok"};
  return {false, common::text::join(problems, "; ")};
}

}  // namespace proxyd::stats
