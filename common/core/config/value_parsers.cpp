#include "common/core/config/value_parsers.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/core/text.h"

namespace common::config {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads "123" or "1.25" from the front of <s>, as a value scaled by 1000
// (thousandths), so "1.5" -> 1500. Fails on more than three decimals.
bool take_decimal(std::string_view& s, std::uint64_t& thousandths) {
  std::size_t i = 0;
  std::uint64_t whole = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (whole > std::numeric_limits<std::uint64_t>::max() / 10000) return false;
    whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  std::uint64_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::uint64_t scale = 100;
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      if (scale == 0) return false;
      fraction += static_cast<std::uint64_t>(s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return false;
  }
  thousandths = whole * 1000 + fraction;
  s.remove_prefix(i);
  return true;
}

constexpr const char* kDurationHelp = "expected a duration such as 250ms, 5s, 2m or 1h (a bare number is seconds)";

}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return text::iequals(a, b);
}

std::string expected_one_of(const std::vector<std::string_view>& names) {
  std::string out = "expected one of ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) out += ", ";
    out += names[i];
  }
  return out;
}

Result<Duration> parse_duration(std::string_view value) {
  value = text::trim(value);
  if (value.empty()) return fail(kDurationHelp);
  std::uint64_t total_ms = 0;
  bool bare = true;
  while (!value.empty()) {
    std::uint64_t amount = 0;  // in thousandths of the unit
    if (!take_decimal(value, amount)) return fail(kDurationHelp);
    std::uint64_t unit_ms = 1000;  // bare number: seconds
    if (value.starts_with("ms")) {
      unit_ms = 1;
      value.remove_prefix(2);
    } else if (value.starts_with("s")) {
      value.remove_prefix(1);
    } else if (value.starts_with("m")) {
      unit_ms = 60'000;
      value.remove_prefix(1);
    } else if (value.starts_with("h")) {
      unit_ms = 3'600'000;
      value.remove_prefix(1);
    } else if (value.starts_with("d")) {
      unit_ms = 86'400'000;
      value.remove_prefix(1);
    } else if (!value.empty() || !bare) {
      return fail(kDurationHelp);
    }
    bare = false;
    if (amount > std::numeric_limits<std::uint64_t>::max() / unit_ms) return fail("duration too large");
    const std::uint64_t ms_thousandths = amount * unit_ms;
    if (ms_thousandths % 1000 != 0) return fail("durations have a resolution of 1ms");
    total_ms += ms_thousandths / 1000;
    if (total_ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / 2)) {
      return fail("duration too large");
    }
  }
  return Duration(static_cast<Duration::rep>(total_ms));
}

Result<std::uint64_t> parse_size(std::string_view value) {
  constexpr const char* kHelp = "expected a size such as 16384, 16k, 4m or 1g";
  value = text::trim(value);
  std::uint64_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc{} || end == value.data()) return fail(kHelp);
  auto suffix = text::to_lower(std::string_view(end, static_cast<std::size_t>(value.data() + value.size() - end)));
  std::uint64_t multiplier = 1;
  if (suffix.empty() || suffix == "b") {
    multiplier = 1;
  } else if (suffix == "k" || suffix == "kb" || suffix == "kib") {
    multiplier = 1ULL << 10;
  } else if (suffix == "m" || suffix == "mb" || suffix == "mib") {
    multiplier = 1ULL << 20;
  } else if (suffix == "g" || suffix == "gb" || suffix == "gib") {
    multiplier = 1ULL << 30;
  } else {
    return fail(kHelp);
  }
  if (number > std::numeric_limits<std::uint64_t>::max() / multiplier) return fail("size too large");
  return number * multiplier;
}

Result<bool> parse_bool(std::string_view value) {
  value = text::trim(value);
  for (const auto yes : {"true", "yes", "on", "1"}) {
    if (text::iequals(value, yes)) return true;
  }
  for (const auto no : {"false", "no", "off", "0"}) {
    if (text::iequals(value, no)) return false;
  }
  return fail("expected a boolean (true/false, yes/no, on/off, 1/0)");
}

Result<std::uint64_t> parse_uint(std::string_view value, std::uint64_t min, std::uint64_t max) {
  value = text::trim(value);
  std::uint64_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc{} || end != value.data() + value.size() || value.empty()) {
    return fail("expected an integer from {} to {}", min, max);
  }
  if (number < min || number > max) return fail("expected an integer from {} to {}", min, max);
  return number;
}

Result<net::IpAddress> parse_ip(std::string_view value) {
  const auto address = net::IpAddress::parse(text::trim(value));
  if (!address) return fail("expected an IPv4 or IPv6 address");
  return *address;
}

bool is_unix_address(std::string_view word) {
  return word.starts_with("unix@") || word.starts_with('/');
}

Result<net::Endpoint> parse_unix_address(std::string_view word) {
  const auto path = word.starts_with("unix@") ? word.substr(5) : word;
  if (!path.starts_with('/')) return fail("'{}': a Unix socket needs an absolute path (unix@/run/app.sock)", word);
  if (path.size() > net::kMaxUnixPath) {
    return fail("'{}': a Unix socket path has at most {} bytes", word, net::kMaxUnixPath);
  }
  return net::Endpoint::from_unix_path(std::string(path));
}

Result<net::Endpoint> parse_endpoint(std::string_view value) {
  const auto endpoint = net::Endpoint::parse(text::trim(value));
  if (!endpoint) return fail("expected ADDRESS:PORT (10.0.0.1:80, [2001:db8::1]:443 or *:80)");
  return *endpoint;
}

Result<net::Cidr> parse_cidr(std::string_view value) {
  const auto cidr = net::Cidr::parse(text::trim(value));
  if (!cidr) return fail("expected a network in CIDR notation such as 10.0.0.0/8 (host bits zero)");
  return *cidr;
}

Result<net::Cidr> parse_interface_address(std::string_view value) {
  const auto cidr = net::Cidr::parse(text::trim(value), true);
  if (!cidr) return fail("expected ADDRESS[/PREFIX] such as 10.0.0.10/24");
  return *cidr;
}

Result<std::string> parse_account_name(std::string_view value) {
  value = text::trim(value);
  constexpr const char* kHelp = "expected a user or group name (letters, digits, '_', '-', '.') or a numeric id";
  if (value.empty() || value.size() > 32) return fail(kHelp);
  const bool numeric = std::all_of(value.begin(), value.end(), is_digit);
  if (!numeric) {
    if (is_digit(value[0]) || value[0] == '-') return fail(kHelp);
    for (std::size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
                      (c == '$' && i + 1 == value.size());
      if (!ok) return fail(kHelp);
    }
  }
  return std::string(value);
}

Result<std::string> parse_word(std::string_view value) {
  value = text::trim(value);
  if (value.empty() || text::split_words(value).size() != 1) return fail("expected a single word");
  return std::string(value);
}

Result<std::string> parse_path(std::string_view value) {
  value = text::trim(value);
  if (value.empty() || value.front() != '/') return fail("expected an absolute path");
  return std::string(value);
}

Result<std::string> parse_text(std::string_view value) {
  value = text::trim(value);
  if (value.empty()) return fail("expected a value");
  return std::string(value);
}

}  // namespace common::config
