// Table-driven section loader: one row per key (name, default, parser and
// target), so a section's whole schema reads as a table, nginx-style:
//
//   const KeyTable<Global> kGlobalKeys = {
//       field("maxconn", &Global::maxconn, uint_in(1, 1'000'000), "20000"),
//       list("server", &Backend::servers, parse_server),
//   };
//
// load_section() applies every entry of an IniSection through the table and
// reports, with file:line, unknown keys (with a did-you-mean), values that do
// not parse, non-repeatable keys given twice and missing required keys. It
// never stops at the first problem.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "common/core/config/value_parsers.h"
#include "common/core/result.h"
#include "common/core/text.h"

namespace common::config {

template <class Model>
struct Key {
  std::string_view name;
  std::string_view default_value;  // applied when the key is absent; empty = none
  // Parses <value> (found at <line>; 0 for a default) into the model.
  std::function<Status(Model&, std::string_view value, int line)> apply;
  bool repeatable = false;
  bool required = false;
};

template <class Model>
using KeyTable = std::vector<Key<Model>>;

// A scalar key: <parse> turns the text into the member's type.
template <class Model, class T, class Parser>
Key<Model> field(std::string_view name, T Model::*member, Parser parse, std::string_view default_value = {}) {
  return {name, default_value, [member, parse](Model& model, std::string_view value, int) -> Status {
            auto parsed = parse(value);
            if (!parsed) return tl::unexpected(parsed.error());
            model.*member = std::move(*parsed);
            return {};
          }};
}

// A parser for a std::optional<T> member: <parse>'s value, present when the
// key is given (`optional_of(parse_duration)` for an unset-by-default timeout).
template <class Parser>
auto optional_of(Parser parse) {
  return [parse](std::string_view value) {
    using T = typename decltype(parse(value))::value_type;
    auto parsed = parse(value);
    return parsed ? Result<std::optional<T>>(std::optional<T>(std::move(*parsed)))
                  : Result<std::optional<T>>(tl::unexpected(parsed.error()));
  };
}

// A repeatable key appending to a vector member (several `server =` lines).
// Elements with an `int line` member get the line they came from.
template <class Model, class T, class Parser>
Key<Model> list(std::string_view name, std::vector<T> Model::*member, Parser parse) {
  return {name,
          {},
          [member, parse](Model& model, std::string_view value, int line) -> Status {
            auto parsed = parse(value);
            if (!parsed) return tl::unexpected(parsed.error());
            if constexpr (requires { parsed->line = line; }) parsed->line = line;
            (model.*member).push_back(std::move(*parsed));
            return {};
          },
          true};
}

// A key with its own apply function (several members, cross-field parsing).
template <class Model>
Key<Model> custom(std::string_view name, std::function<Status(Model&, std::string_view)> apply,
                  std::string_view default_value = {}, bool repeatable = false) {
  return {name, default_value,
          [apply = std::move(apply)](Model& model, std::string_view value, int) { return apply(model, value); },
          repeatable};
}

// The keys of <Inner> applied to the <member> of an outer model, so one table
// serves a [defaults] section and every section inheriting from it.
template <class Outer, class Inner>
KeyTable<Outer> nested(const std::vector<Key<Inner>>& keys, Inner Outer::*member) {
  KeyTable<Outer> out;
  for (const auto& k : keys) {
    out.push_back({k.name, k.default_value,
                   [apply = k.apply, member](Outer& outer, std::string_view value, int line) {
                     return apply(outer.*member, value, line);
                   },
                   k.repeatable, k.required});
  }
  return out;
}

template <class Model>
Key<Model> required(Key<Model> key) {
  key.required = true;
  return key;
}

// Parser factory for bounded integers of any unsigned or signed type.
template <class Int>
auto uint_in(Int min, Int max) {
  return [min, max](std::string_view value) -> Result<Int> {
    auto parsed = parse_uint(value, static_cast<std::uint64_t>(min), static_cast<std::uint64_t>(max));
    if (!parsed) return tl::unexpected(parsed.error());
    return static_cast<Int>(*parsed);
  };
}

struct LoadOptions {
  // Apply each absent key's default. Off when the model was seeded from an
  // inherited section (proxyd's [defaults]), whose values must win.
  bool apply_defaults = true;
};

// The keys <section> sets, for inheritance decisions by the caller.
using KeysSeen = std::set<std::string, std::less<>>;

template <class Model>
KeysSeen load_section(const IniDocument& doc, const IniSection& section, const KeyTable<Model>& keys, Model& model,
                      Diagnostics& diagnostics, LoadOptions options = {}) {
  std::map<std::string_view, int> first_line;
  KeysSeen seen;
  for (const auto& entry : section.entries) {
    const Key<Model>* key = nullptr;
    for (const auto& k : keys) {
      if (k.name == entry.key) key = &k;
    }
    if (key == nullptr) {
      std::vector<std::string_view> names;
      for (const auto& k : keys) names.push_back(k.name);
      const auto suggestion = text::closest_match(entry.key, names);
      diagnostics.error(doc.at(entry.line), suggestion
                                                ? fmt::format("unknown key '{}' in {} (did you mean '{}'?)", entry.key,
                                                              section.title(), *suggestion)
                                                : fmt::format("unknown key '{}' in {}", entry.key, section.title()));
      continue;
    }
    if (!key->repeatable) {
      const auto [it, inserted] = first_line.emplace(key->name, entry.line);
      if (!inserted) {
        diagnostics.error(doc.at(entry.line), fmt::format("key '{}' given twice in {} (first at line {})", entry.key,
                                                          section.title(), it->second));
        continue;
      }
    }
    seen.insert(entry.key);
    if (auto applied = key->apply(model, entry.value, entry.line); !applied) {
      diagnostics.error(doc.at(entry.line),
                        fmt::format("key '{}': {}, got '{}'", entry.key, applied.error().message, entry.value));
    }
  }
  for (const auto& key : keys) {
    if (seen.contains(key.name)) continue;
    if (key.required) {
      diagnostics.error(doc.at(section.line), fmt::format("{} needs key '{}'", section.title(), key.name));
    } else if (options.apply_defaults && !key.default_value.empty()) {
      if (auto applied = key.apply(model, key.default_value, 0); !applied) {
        // A bad default is a programming error; report it rather than hide it.
        diagnostics.error(doc.at(section.line),
                          fmt::format("built-in default of '{}' rejected: {}", key.name, applied.error().message));
      }
    }
  }
  return seen;
}

// Applies only the defaults of <keys> (for a section absent from the file).
template <class Model>
void apply_defaults(const KeyTable<Model>& keys, Model& model) {
  for (const auto& key : keys) {
    if (!key.default_value.empty()) (void)key.apply(model, key.default_value, 0);
  }
}

// Which sections a file may contain.
struct SectionRule {
  std::string_view kind;
  bool named = false;   // [backend NAME] vs [global]
  bool unique = false;  // at most one (unnamed sections are always unique)
};

// Reports unknown section kinds (with did-you-mean), missing or unexpected
// names and duplicates (same kind and name). Returns the sections that passed.
std::vector<const IniSection*> check_sections(const IniDocument& doc, std::span<const SectionRule> rules,
                                              Diagnostics& diagnostics);

}  // namespace common::config
