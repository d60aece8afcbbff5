// Typed value parsers for configuration keys. Each takes the raw value and
// returns the typed value or an Error whose message says what was expected
// ("expected a duration such as 250ms, 5s or 2m"); the loader adds the file,
// line, key and offending text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/address.h"
#include "common/core/result.h"
#include "common/core/time.h"

namespace common::config {

// "250ms", "5s", "2m", "1h", "1.5s", "1m30s"; a bare number is seconds.
Result<Duration> parse_duration(std::string_view value);
// "16384", "16k", "16KiB", "4m", "1g" (binary multiples).
Result<std::uint64_t> parse_size(std::string_view value);
// true/false, yes/no, on/off, 1/0.
Result<bool> parse_bool(std::string_view value);
Result<std::uint64_t> parse_uint(std::string_view value, std::uint64_t min, std::uint64_t max);
Result<net::IpAddress> parse_ip(std::string_view value);
// "ip:port", "[v6]:port", "*:port".
// `unix@PATH`, or a bare absolute PATH (HAProxy's spellings of a Unix
// socket address): whether <word> is written as one.
bool is_unix_address(std::string_view word);
// The endpoint of such a word: an absolute path of at most net::kMaxUnixPath bytes.
Result<net::Endpoint> parse_unix_address(std::string_view word);
Result<net::Endpoint> parse_endpoint(std::string_view value);
// "10.0.0.0/8"; host bits must be zero.
Result<net::Cidr> parse_cidr(std::string_view value);
// "10.0.0.10/24": an address with its prefix length (host bits kept).
Result<net::Cidr> parse_interface_address(std::string_view value);
// A user or group: a POSIX portable name or a numeric id. Whether it exists
// is checked by the daemon when it starts (and by -c).
Result<std::string> parse_account_name(std::string_view value);
// One word without blanks (names of sections, interfaces, ...).
Result<std::string> parse_word(std::string_view value);
// An absolute path.
Result<std::string> parse_path(std::string_view value);
// Any non-empty text.
Result<std::string> parse_text(std::string_view value);

// A value from a fixed set, case-insensitive: parse_choice(v, {{"tcp", Mode::Tcp}, ...}).
template <class T>
Result<T> parse_choice(std::string_view value, const std::vector<std::pair<std::string_view, T>>& choices);

// Builds "expected one of a, b, c".
std::string expected_one_of(const std::vector<std::string_view>& names);
bool equals_ignoring_case(std::string_view a, std::string_view b);

template <class T>
Result<T> parse_choice(std::string_view value, const std::vector<std::pair<std::string_view, T>>& choices) {
  std::vector<std::string_view> names;
  for (const auto& [name, choice] : choices) {
    if (equals_ignoring_case(name, value)) return choice;
    names.push_back(name);
  }
  return tl::unexpected(Error{expected_one_of(names), 0});
}

}  // namespace common::config
