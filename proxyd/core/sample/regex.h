// A compiled regular expression of the rule language (PCRE2, with its JIT
// where the machine allows it), compiled once at load: `-m reg`, the `_reg`
// shorthands, `regsub()` and `replace-header`. Copies share the compiled
// code; matching is thread-safe (per-thread match data). Pure: PCRE2 is
// computation on strings.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"

namespace proxyd::sample {

class Regex {
 public:
  // A bad pattern is an error naming the column (1-based) and PCRE2's reason.
  static common::Result<Regex> compile(std::string_view pattern, bool ignore_case = false);

  // Whether the pattern matches anywhere in <text>.
  bool search(std::string_view text) const;
  // regsub(): each match (the first, or every one with <global>) replaced by
  // <replacement>, where \1..\9 are the groups and \0 the whole match.
  std::string substitute(std::string_view text, std::string_view replacement, bool global) const;
  // replace-header: when the pattern matches <text>, <format> with \N
  // back-references; nullopt when it does not match.
  std::optional<std::string> rewrite(std::string_view text, std::string_view format) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::shared_ptr<const void> code_;  // pcre2_code_8
  std::string pattern_;
};

}  // namespace proxyd::sample
