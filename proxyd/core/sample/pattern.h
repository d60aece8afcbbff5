// ACL patterns and map keys with HAProxy's match methods (configuration.txt,
// 7.1): str, beg, end, sub, dir, dom, len, int (with ranges and
// eq/ge/gt/le/lt), ip (addresses and networks), reg, bool and found. -i
// compares strings case-insensitively. Built once (at load, or when the
// runtime API edits a file), looked up per request: str is a hash, ip a
// longest-prefix table, the others are tried in file order as in HAProxy.
// A map's entries also carry a value. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/core/address.h"
#include "common/core/result.h"
#include "proxyd/core/sample/fetches.h"
#include "proxyd/core/sample/regex.h"
#include "proxyd/core/sample/sample.h"

namespace proxyd::sample {

// One pattern (or map key) and, for a map, its value; line 0 = written
// inline on an ACL line.
struct PatternEntry {
  std::string key;
  std::string value;
  std::uint64_t id = 0;  // stable across edits: the runtime API's #ID
  int line = 0;
};

// Addresses and networks, longest prefix first.
class IpTable {
 public:
  void add(const common::net::Cidr& network, std::uint32_t entry);
  std::optional<std::uint32_t> lookup(const common::net::IpAddress& address) const;

 private:
  struct V6Key {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const V6Key&) const = default;
  };
  struct V6Hash {
    std::size_t operator()(const V6Key& k) const { return std::hash<std::uint64_t>()(k.high * 31 + k.low); }
  };
  template <class Key, class Hash = std::hash<Key>>
  struct Level {
    int bits = 0;
    std::unordered_map<Key, std::uint32_t, Hash> entries;
  };
  static V6Key v6_key(const common::net::IpAddress& address, int bits);
  std::vector<Level<std::uint32_t>> v4_;  // by prefix length, longest first
  std::vector<Level<V6Key, V6Hash>> v6_;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

struct PatternSet {
  Match method = Match::Str;
  bool ignore_case = false;
  struct Range {
    std::int64_t low;
    std::int64_t high;
  };
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> exact;  // str (lowered with -i)
  std::vector<std::pair<std::string, std::uint32_t>> strings;                         // beg end sub dir dom
  std::vector<std::pair<Range, std::uint32_t>> ranges;                                // int, len
  IpTable networks;                                                                   // ip
  std::vector<std::pair<Regex, std::uint32_t>> regexes;                               // reg (-i compiled in)
  std::vector<Sample> values;                                                         // a map's, by entry
  std::size_t size = 0;
};

// What a map's values are (map_str, map_int, map_ip ... suffixes).
enum class ValueType { None, Str, Int, Ip };

// Builds the set from <entries>; a bad pattern or value is an error naming
// <origin>:line when the entry has a line.
common::Result<PatternSet> build_patterns(Match method, bool ignore_case, std::span<const PatternEntry> entries,
                                          ValueType values = ValueType::None, std::string_view origin = {});

// The patterns of one ACL line: for int and len "N", "N:M", ":M", "N:" and
// the operators "eq N" "ge N" "gt N" "le N" "lt N"; for ip addresses and
// networks; anything else as strings.
common::Result<PatternSet> make_patterns(Match method, bool ignore_case, std::span<const std::string> patterns);

// The entry of <set> that <sample> matches (the first in file order, the
// exact key, or the longest prefix), if any.
std::optional<std::uint32_t> lookup(const PatternSet& set, const Sample& sample);
// Whether <sample> matches any pattern of <set> (found and bool need none).
bool matches(const PatternSet& set, const Sample& sample);

}  // namespace proxyd::sample
