// Sample fetches, by HAProxy's names (configuration.txt, 7.3): each reads
// the request's context and returns its samples (several for a header that
// occurs, or lists values, more than once; none when absent). Pure.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/sample.h"

namespace proxyd::sample {

// How a fetch's samples are matched when an ACL names no -m (its type's
// method: exact string, integer, address or boolean).
enum class Match { Found, Bool, Int, Ip, Len, Str, Sub, Reg, Beg, End, Dir, Dom };

using FetchFn = std::vector<Sample> (*)(const Context& ctx, std::span<const std::string> args);

struct FetchDef {
  std::string_view name;
  FetchFn fn;
  int min_args;
  int max_args;
  Match default_match;
  bool http = false;  // reads the HTTP request or response (never matches in mode tcp)
  // Checks the arguments once, at load, against what the configuration defines.
  common::Status (*check)(std::span<const std::string> args, const Library* lib) = nullptr;
  // Its samples have no fixed type (var()): an ACL with patterns must name -m, as in HAProxy.
  bool needs_method = false;
};

// The fetch named <name> ("hdr", "req.hdr", "src", ...), nullptr if none.
const FetchDef* find_fetch(std::string_view name);
// Every fetch name, for did-you-mean.
std::vector<std::string_view> fetch_names();

// The method of a match keyword (`-m beg`), nullopt if unknown.
std::optional<Match> parse_match(std::string_view name);

}  // namespace proxyd::sample
