#include "proxyd/core/http/userlist.h"

#include <crypt.h>

#include <algorithm>
#include <memory>

#include "common/core/text.h"
#include "proxyd/core/http/basic_auth.h"

namespace proxyd::http {

namespace {

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = common::text::trim(text.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool known_hash(std::string_view hash) {
  // crypt(3) prefixes ($y$ $6$ $5$ $2b$ ...) or a 13-character DES hash.
  return hash.starts_with('$') || hash.size() == 13;
}

}  // namespace

bool crypt_matches(std::string_view password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  const std::string phrase(password);
  const char* out = ::crypt_rn(phrase.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  return out != nullptr && out[0] != '*' && constant_time_equals(out, hash);
}

common::Status Userlist::add_user(std::string_view value) {
  const auto w = common::text::split_words(value);
  if (w.size() != 3 && w.size() != 5)
    return common::fail("expected NAME password HASH|insecure-password TEXT [groups G,...]");
  User user;
  user.name = std::string(w[0]);
  if (w[1] == "password") {
    user.password = std::string(w[2]);
    if (!known_hash(user.password))
      return common::fail("user '{}': '{}' is not a crypt(3) hash (mkpasswd -m sha-512 makes one)", user.name, w[2]);
  } else if (w[1] == "insecure-password" || w[1] == "insecure_password") {
    user.password = std::string(w[2]);
    user.insecure = true;
  } else {
    return common::fail("user '{}': expected password or insecure-password, got '{}'", user.name, w[1]);
  }
  if (w.size() == 5) {
    if (w[3] != "groups") return common::fail("user '{}': expected groups, got '{}'", user.name, w[3]);
    user.groups = comma_list(w[4]);
  }
  if (std::any_of(users_.begin(), users_.end(), [&](const User& u) { return u.name == user.name; }))
    return common::fail("user '{}' is defined twice", user.name);
  users_.push_back(std::move(user));
  return {};
}

common::Status Userlist::add_group(std::string_view value) {
  const auto w = common::text::split_words(value);
  if (w.size() != 1 && w.size() != 3) return common::fail("expected NAME [users U,...]");
  if (w.size() == 3 && w[1] != "users") return common::fail("group '{}': expected users, got '{}'", w[0], w[1]);
  if (groups_.contains(w[0])) return common::fail("group '{}' is defined twice", w[0]);
  groups_[std::string(w[0])] = w.size() == 3 ? comma_list(w[2]) : std::vector<std::string>{};
  return {};
}

common::Status Userlist::check() const {
  for (const auto& u : users_) {
    for (const auto& g : u.groups) {
      if (!groups_.contains(g)) return common::fail("user '{}' names group '{}', which is not defined", u.name, g);
    }
  }
  for (const auto& [group, members] : groups_) {
    for (const auto& m : members) {
      if (std::none_of(users_.begin(), users_.end(), [&](const User& u) { return u.name == m; }))
        return common::fail("group '{}' names user '{}', who is not defined", group, m);
    }
  }
  return {};
}

const User* Userlist::authenticate(std::string_view authorization) const {
  const auto credentials = parse_basic_authorization(authorization);
  if (!credentials) return nullptr;
  for (const auto& u : users_) {
    if (u.name != credentials->user) continue;
    const bool ok = u.insecure ? constant_time_equals(credentials->password, u.password)
                               : crypt_matches(credentials->password, u.password);
    return ok ? &u : nullptr;
  }
  return nullptr;
}

std::vector<std::string> Userlist::groups_of(const User& user) const {
  auto groups = user.groups;
  for (const auto& [group, members] : groups_) {
    if (std::find(members.begin(), members.end(), user.name) != members.end() &&
        std::find(groups.begin(), groups.end(), group) == groups.end())
      groups.push_back(group);
  }
  return groups;
}

}  // namespace proxyd::http
