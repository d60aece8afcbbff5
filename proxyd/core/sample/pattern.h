// ACL patterns and HAProxy's match methods (configuration.txt, 7.1): str,
// beg, end, sub, dir, dom, len, int (with ranges and eq/ge/gt/le/lt), ip
// (addresses and networks), bool and found. -i compares strings
// case-insensitively. Built once at load, matched per request. Pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "common/core/result.h"
#include "proxyd/core/sample/fetches.h"
#include "proxyd/core/sample/regex.h"

namespace proxyd::sample {

struct PatternSet {
  Match method = Match::Str;
  bool ignore_case = false;
  std::vector<std::string> strings;  // str beg end sub dir dom (lowered with -i)
  struct Range {
    std::int64_t low;
    std::int64_t high;
  };
  std::vector<Range> ranges;                // int, len
  std::vector<common::net::Cidr> networks;  // ip
  std::vector<Regex> regexes;               // reg (-i compiled in)
};

// The patterns of one ACL line: for int and len "N", "N:M", ":M", "N:" and
// the operators "eq N" "ge N" "gt N" "le N" "lt N"; for ip addresses and
// networks; anything else as strings.
common::Result<PatternSet> make_patterns(Match method, bool ignore_case, std::span<const std::string> patterns);

// Whether <sample> matches any pattern of <set>.
bool matches(const PatternSet& set, const Sample& sample);

}  // namespace proxyd::sample
