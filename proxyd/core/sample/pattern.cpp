#include "proxyd/core/sample/pattern.h"

#include <charconv>
#include <limits>

#include "common/core/text.h"

namespace proxyd::sample {

namespace {

constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
constexpr auto kMax = std::numeric_limits<std::int64_t>::max();

std::optional<std::int64_t> integer(std::string_view text) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// "N", "N:M", ":M", "N:".
std::optional<PatternSet::Range> range(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    const auto v = integer(text);
    if (!v) return std::nullopt;
    return PatternSet::Range{*v, *v};
  }
  const auto lo_text = text.substr(0, colon);
  const auto hi_text = text.substr(colon + 1);
  const auto lo = lo_text.empty() ? std::optional<std::int64_t>(kMin) : integer(lo_text);
  const auto hi = hi_text.empty() ? std::optional<std::int64_t>(kMax) : integer(hi_text);
  if (!lo || !hi || *lo > *hi) return std::nullopt;
  return PatternSet::Range{*lo, *hi};
}

std::optional<PatternSet::Range> operator_range(std::string_view op, std::int64_t v) {
  if (op == "eq") return PatternSet::Range{v, v};
  if (op == "ge") return PatternSet::Range{v, kMax};
  if (op == "gt") return v == kMax ? std::nullopt : std::optional(PatternSet::Range{v + 1, kMax});
  if (op == "le") return PatternSet::Range{kMin, v};
  if (op == "lt") return v == kMin ? std::nullopt : std::optional(PatternSet::Range{kMin, v - 1});
  return std::nullopt;
}

common::Status add_ranges(PatternSet& set, std::span<const std::string> patterns) {
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const auto& p = patterns[i];
    if (p == "eq" || p == "ge" || p == "gt" || p == "le" || p == "lt") {
      const auto v = i + 1 < patterns.size() ? integer(patterns[i + 1]) : std::nullopt;
      const auto r = v ? operator_range(p, *v) : std::nullopt;
      if (!r) return common::fail("'{}' needs an integer after it", p);
      set.ranges.push_back(*r);
      ++i;
      continue;
    }
    const auto r = range(p);
    if (!r) return common::fail("'{}' is not an integer or a range (N, N:M, :M, N:)", p);
    set.ranges.push_back(*r);
  }
  return {};
}

bool delimiter(char c, Match method) {
  return c == '/' || c == '?' || (method == Match::Dom && (c == '.' || c == ':'));
}

// dir/dom: <pattern> occurs in <text> with a delimiter (or an end) on each side.
bool delimited_match(std::string_view text, std::string_view pattern, Match method) {
  if (pattern.empty()) return false;
  for (auto at = text.find(pattern); at != std::string_view::npos; at = text.find(pattern, at + 1)) {
    const auto end = at + pattern.size();
    const bool before = at == 0 || delimiter(text[at - 1], method);
    const bool after = end == text.size() || delimiter(text[end], method);
    if (before && after) return true;
  }
  return false;
}

bool string_match(const PatternSet& set, std::string_view text) {
  for (const auto& p : set.strings) {
    switch (set.method) {
      case Match::Str:
        if (text == p) return true;
        break;
      case Match::Beg:
        if (text.starts_with(p)) return true;
        break;
      case Match::End:
        if (text.ends_with(p)) return true;
        break;
      case Match::Sub:
        if (text.find(p) != std::string_view::npos) return true;
        break;
      case Match::Dir:
      case Match::Dom:
        if (delimited_match(text, p, set.method)) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

bool in_ranges(const PatternSet& set, std::int64_t v) {
  for (const auto& r : set.ranges) {
    if (v >= r.low && v <= r.high) return true;
  }
  return false;
}

}  // namespace

common::Result<PatternSet> make_patterns(Match method, bool ignore_case, std::span<const std::string> patterns) {
  PatternSet set;
  set.method = method;
  set.ignore_case = ignore_case;
  switch (method) {
    case Match::Found:
    case Match::Bool:
      if (!patterns.empty()) return common::fail("-m {} takes no pattern", method == Match::Found ? "found" : "bool");
      break;
    case Match::Int:
    case Match::Len:
      if (auto ok = add_ranges(set, patterns); !ok) return tl::unexpected(ok.error());
      break;
    case Match::Ip:
      for (const auto& p : patterns) {
        const auto cidr = common::net::Cidr::parse(p);
        if (!cidr) return common::fail("'{}' is not an address or a network (with its host bits zero)", p);
        set.networks.push_back(*cidr);
      }
      break;
    case Match::Reg:
      for (const auto& p : patterns) {
        auto re = Regex::compile(p, ignore_case);
        if (!re) return tl::unexpected(re.error());
        set.regexes.push_back(std::move(*re));
      }
      break;
    default:
      for (const auto& p : patterns) set.strings.push_back(ignore_case ? common::text::to_lower(p) : p);
      break;
  }
  return set;
}

bool matches(const PatternSet& set, const Sample& sample) {
  switch (set.method) {
    case Match::Found:
      return true;
    case Match::Bool:
      return sample.as_bool();
    case Match::Int: {
      const auto v = sample.as_int();
      return v && in_ranges(set, *v);
    }
    case Match::Len:
      return in_ranges(set, static_cast<std::int64_t>(sample.as_text().size()));
    case Match::Ip: {
      const auto ip = sample.as_ip();
      if (!ip) return false;
      for (const auto& n : set.networks) {
        if (n.contains(*ip)) return true;
      }
      return false;
    }
    case Match::Reg: {
      const auto text = sample.as_text();
      for (const auto& re : set.regexes) {
        if (re.search(text)) return true;
      }
      return false;
    }
    default:
      break;
  }
  if (sample.type == Sample::Type::Str && !set.ignore_case) return string_match(set, sample.text);
  const auto text = set.ignore_case ? common::text::to_lower(sample.as_text()) : sample.as_text();
  return string_match(set, text);
}

}  // namespace proxyd::sample
