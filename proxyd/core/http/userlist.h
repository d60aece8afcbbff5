// HAProxy's userlists (configuration.txt, 3.4): users with crypt(3)
// password hashes (libxcrypt: yescrypt $y$, SHA-512 $6$, SHA-256 $5$,
// bcrypt $2b$ ...) or insecure clear-text passwords, and groups, for the
// `auth` action and the http_auth()/http_auth_group() fetches:
//   [userlist admins]
//   group = ops
//   user = alice password $6$... groups ops
//   user = bob insecure-password s3cret
// Pure: crypt is computation (and as slow as its hash makes it: choose
// the cost accordingly, every authenticated request pays it).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"

namespace proxyd::http {

struct User {
  std::string name;
  std::string password;  // a crypt(3) hash, or clear text when <insecure>
  bool insecure = false;
  std::vector<std::string> groups;
};

class Userlist {
 public:
  explicit Userlist(std::string name = {}) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  // `NAME password HASH [groups G,…]` or `NAME insecure-password P [groups G,…]`.
  common::Status add_user(std::string_view value);
  // `NAME [users U,…]`.
  common::Status add_group(std::string_view value);
  // After every line: each user's groups and each group's users exist.
  common::Status check() const;

  // The user the Authorization header <value> (Basic) names, when the
  // password checks; nullptr otherwise.
  const User* authenticate(std::string_view authorization) const;
  // The groups of <user>: those its line names and those naming it.
  std::vector<std::string> groups_of(const User& user) const;

 private:
  std::string name_;
  std::vector<User> users_;
  std::map<std::string, std::vector<std::string>, std::less<>> groups_;  // group -> users
};

// Whether <password> matches the crypt(3) <hash>.
bool crypt_matches(std::string_view password, const std::string& hash);

}  // namespace proxyd::http
