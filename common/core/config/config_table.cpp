#include "common/core/config/config_table.h"

namespace common::config {

namespace {

// "line 12", or "other.cfg:12" when the document spans several files.
std::string first_at(const IniDocument& doc, int line) {
  const auto at = doc.at(line);
  return doc.spans.size() > 1 ? fmt::format("{}:{}", at.file, at.line) : fmt::format("line {}", at.line);
}

}  // namespace

std::vector<const IniSection*> check_sections(const IniDocument& doc, std::span<const SectionRule> rules,
                                              Diagnostics& diagnostics) {
  std::vector<const IniSection*> accepted;
  std::map<std::pair<std::string, std::string>, int> seen;
  std::vector<std::string_view> kinds;
  for (const auto& rule : rules) kinds.push_back(rule.kind);

  for (const auto& section : doc.sections) {
    if (section.kind.empty()) continue;  // malformed header, already reported
    const SectionRule* rule = nullptr;
    for (const auto& r : rules) {
      if (r.kind == section.kind) rule = &r;
    }
    if (rule == nullptr) {
      const auto suggestion = text::closest_match(section.kind, kinds);
      diagnostics.error(doc.at(section.line), suggestion ? fmt::format("unknown section {} (did you mean [{}]?)",
                                                                       section.title(), *suggestion)
                                                         : fmt::format("unknown section {}", section.title()));
      continue;
    }
    if (rule->named && section.name.empty()) {
      diagnostics.error(doc.at(section.line),
                        fmt::format("section [{}] needs a name: [{} NAME]", rule->kind, rule->kind));
      continue;
    }
    if (!rule->named && !section.name.empty()) {
      diagnostics.error(doc.at(section.line),
                        fmt::format("section [{}] takes no name, got {}", rule->kind, section.title()));
      continue;
    }
    const auto key = rule->unique ? std::pair{section.kind, std::string()} : std::pair{section.kind, section.name};
    const auto [it, inserted] = seen.emplace(key, section.line);
    if (!inserted) {
      diagnostics.error(doc.at(section.line),
                        fmt::format("duplicate section {} (first at {})", section.title(), first_at(doc, it->second)));
      continue;
    }
    accepted.push_back(&section);
  }
  return accepted;
}

}  // namespace common::config
