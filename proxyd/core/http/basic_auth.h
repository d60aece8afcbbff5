// HTTP Basic authentication (RFC 7617): the credentials carried by an
// Authorization header, and a comparison that does not leak, through its
// timing, how much of a secret matched.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace proxyd::http {

struct Credentials {
  std::string user;
  std::string password;
};

// Decodes standard base64 (RFC 4648 4), padding optional; nullopt on any
// character outside the alphabet or a malformed tail.
std::optional<std::string> base64_decode(std::string_view text);

// The credentials of "Basic <base64(user:password)>" (scheme case-insensitive);
// nullopt for another scheme or a malformed value.
std::optional<Credentials> parse_basic_authorization(std::string_view value);

// Equality whose running time depends on the lengths only, not on where the
// first difference is.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace proxyd::http
