#include "proxyd/core/sample/pattern.h"

#include <algorithm>
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

bool is_operator(std::string_view p) {
  return p == "eq" || p == "ge" || p == "gt" || p == "le" || p == "lt";
}

std::optional<PatternSet::Range> operator_range(std::string_view op, std::int64_t v) {
  if (op == "eq") return PatternSet::Range{v, v};
  if (op == "ge") return PatternSet::Range{v, kMax};
  if (op == "gt") return v == kMax ? std::nullopt : std::optional(PatternSet::Range{v + 1, kMax});
  if (op == "le") return PatternSet::Range{kMin, v};
  if (op == "lt") return v == kMin ? std::nullopt : std::optional(PatternSet::Range{kMin, v - 1});
  return std::nullopt;
}

// "N", "N:M", ":M", "N:", "OP N".
std::optional<PatternSet::Range> range(std::string_view text) {
  const auto space = text.find(' ');
  if (space != std::string_view::npos) {
    const auto v = integer(common::text::trim(text.substr(space + 1)));
    return v ? operator_range(text.substr(0, space), *v) : std::nullopt;
  }
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

bool string_match(Match method, std::string_view text, std::string_view p) {
  switch (method) {
    case Match::Beg:
      return text.starts_with(p);
    case Match::End:
      return text.ends_with(p);
    case Match::Sub:
      return text.find(p) != std::string_view::npos;
    case Match::Dir:
    case Match::Dom:
      return delimited_match(text, p, method);
    default:
      return text == p;
  }
}

std::optional<std::uint32_t> string_lookup(const PatternSet& set, std::string_view text) {
  if (set.method == Match::Str) {
    const auto it = set.exact.find(text);
    if (it == set.exact.end()) return std::nullopt;
    return it->second;
  }
  for (const auto& [p, entry] : set.strings) {
    if (string_match(set.method, text, p)) return entry;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> range_lookup(const PatternSet& set, std::int64_t v) {
  for (const auto& [r, entry] : set.ranges) {
    if (v >= r.low && v <= r.high) return entry;
  }
  return std::nullopt;
}

common::Status add_key(PatternSet& set, const PatternEntry& e, std::uint32_t index) {
  switch (set.method) {
    case Match::Found:
    case Match::Bool:
      return common::fail("-m {} takes no pattern", set.method == Match::Found ? "found" : "bool");
    case Match::Int:
    case Match::Len: {
      const auto r = range(e.key);
      if (!r) return common::fail("'{}' is not an integer or a range (N, N:M, :M, N:, ge N ...)", e.key);
      set.ranges.emplace_back(*r, index);
      return {};
    }
    case Match::Ip: {
      const auto cidr = common::net::Cidr::parse(e.key);
      if (!cidr) return common::fail("'{}' is not an address or a network (with its host bits zero)", e.key);
      set.networks.add(*cidr, index);
      return {};
    }
    case Match::Reg: {
      auto re = Regex::compile(e.key, set.ignore_case);
      if (!re) return tl::unexpected(re.error());
      set.regexes.emplace_back(std::move(*re), index);
      return {};
    }
    default:
      break;
  }
  auto key = set.ignore_case ? common::text::to_lower(e.key) : e.key;
  if (set.method == Match::Str) {
    set.exact.emplace(std::move(key), index);  // the first of equal keys wins
  } else {
    set.strings.emplace_back(std::move(key), index);
  }
  return {};
}

common::Result<Sample> typed_value(const PatternEntry& e, ValueType type) {
  switch (type) {
    case ValueType::Int: {
      const auto v = integer(e.value);
      if (!v) return common::fail("value '{}' of '{}' is not an integer", e.value, e.key);
      return Sample::of_int(*v);
    }
    case ValueType::Ip: {
      const auto ip = common::net::IpAddress::parse(e.value);
      if (!ip) return common::fail("value '{}' of '{}' is not an address", e.value, e.key);
      return Sample::of_ip(*ip);
    }
    default:
      return Sample::of_str(e.value);
  }
}

}  // namespace

void IpTable::add(const common::net::Cidr& network, std::uint32_t entry) {
  const int bits = network.prefix_length;
  auto insert = [&](auto& levels, auto key) {
    auto it = std::find_if(levels.begin(), levels.end(), [&](const auto& l) { return l.bits == bits; });
    if (it == levels.end()) {
      it = levels.insert(std::find_if(levels.begin(), levels.end(), [&](const auto& l) { return l.bits < bits; }),
                         typename std::remove_reference_t<decltype(levels)>::value_type{});
      it->bits = bits;
    }
    it->entries.emplace(key, entry);
  };
  if (network.network.is_v4()) {
    const auto mask = bits == 0 ? 0u : ~0u << (32 - bits);
    insert(v4_, network.network.v4_host_order() & mask);
  } else {
    insert(v6_, v6_key(network.network, bits));
  }
}

IpTable::V6Key IpTable::v6_key(const common::net::IpAddress& address, int bits) {
  const auto bytes = address.bytes();
  V6Key key;
  for (std::size_t i = 0; i < 16; ++i) {
    const int keep = std::clamp(bits - static_cast<int>(i) * 8, 0, 8);
    const auto byte = static_cast<std::uint64_t>(bytes[i] & (keep == 0 ? 0 : 0xff << (8 - keep)));
    (i < 8 ? key.high : key.low) |= byte << (8 * (7 - i % 8));
  }
  return key;
}

std::optional<std::uint32_t> IpTable::lookup(const common::net::IpAddress& address) const {
  if (address.is_v4()) {
    const auto host = address.v4_host_order();
    for (const auto& level : v4_) {
      const auto mask = level.bits == 0 ? 0u : ~0u << (32 - level.bits);
      const auto it = level.entries.find(host & mask);
      if (it != level.entries.end()) return it->second;
    }
    return std::nullopt;
  }
  for (const auto& level : v6_) {
    const auto it = level.entries.find(v6_key(address, level.bits));
    if (it != level.entries.end()) return it->second;
  }
  return std::nullopt;
}

common::Result<PatternSet> build_patterns(Match method, bool ignore_case, std::span<const PatternEntry> entries,
                                          ValueType values, std::string_view origin) {
  PatternSet set;
  set.method = method;
  set.ignore_case = ignore_case;
  set.size = entries.size();
  auto located = [&](const PatternEntry& e, const common::Error& error) {
    if (e.line == 0) return common::fail("{}", error.describe());
    return common::fail("{}:{}: {}", origin, e.line, error.describe());
  };
  for (std::uint32_t i = 0; i < entries.size(); ++i) {
    if (auto ok = add_key(set, entries[i], i); !ok) return located(entries[i], ok.error());
    if (values == ValueType::None) continue;
    auto value = typed_value(entries[i], values);
    if (!value) return located(entries[i], value.error());
    set.values.push_back(std::move(*value));
  }
  return set;
}

common::Result<PatternSet> make_patterns(Match method, bool ignore_case, std::span<const std::string> patterns) {
  std::vector<PatternEntry> entries;
  const bool numeric = method == Match::Int || method == Match::Len;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (numeric && is_operator(patterns[i])) {
      if (i + 1 == patterns.size() || !integer(patterns[i + 1]))
        return common::fail("'{}' needs an integer after it", patterns[i]);
      entries.push_back({patterns[i] + " " + patterns[i + 1], {}, i, 0});
      ++i;
      continue;
    }
    entries.push_back({patterns[i], {}, i, 0});
  }
  return build_patterns(method, ignore_case, entries);
}

std::optional<std::uint32_t> lookup(const PatternSet& set, const Sample& sample) {
  switch (set.method) {
    case Match::Int: {
      const auto v = sample.as_int();
      return v ? range_lookup(set, *v) : std::nullopt;
    }
    case Match::Len:
      return range_lookup(set, static_cast<std::int64_t>(sample.as_text().size()));
    case Match::Ip: {
      const auto ip = sample.as_ip();
      return ip ? set.networks.lookup(*ip) : std::nullopt;
    }
    case Match::Reg: {
      const auto text = sample.as_text();
      for (const auto& [re, entry] : set.regexes) {
        if (re.search(text)) return entry;
      }
      return std::nullopt;
    }
    default:
      break;
  }
  if (sample.type == Sample::Type::Str && !set.ignore_case) return string_lookup(set, sample.text);
  const auto text = set.ignore_case ? common::text::to_lower(sample.as_text()) : sample.as_text();
  return string_lookup(set, text);
}

bool matches(const PatternSet& set, const Sample& sample) {
  if (set.method == Match::Found) return true;
  if (set.method == Match::Bool) return sample.as_bool();
  return lookup(set, sample).has_value();
}

}  // namespace proxyd::sample
