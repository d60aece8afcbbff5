#include "common/core/config/diagnostics.h"

#include <fmt/format.h>

namespace common::config {

std::string Diagnostic::to_string() const {
  const char* kind = severity == Severity::Error ? "error" : severity == Severity::Warning ? "warning" : "notice";
  if (where.line > 0) return fmt::format("{}:{}: {}: {}", where.file, where.line, kind, message);
  return fmt::format("{}: {}: {}", where.file, kind, message);
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) out += d.to_string() + "\n";
  return out;
}

void Diagnostics::error(Location where, std::string message) {
  items_.push_back({Severity::Error, std::move(where), std::move(message)});
  ++errors_;
}

void Diagnostics::warning(Location where, std::string message) {
  items_.push_back({Severity::Warning, std::move(where), std::move(message)});
}

void Diagnostics::notice(Location where, std::string message) {
  items_.push_back({Severity::Notice, std::move(where), std::move(message)});
}

}  // namespace common::config
