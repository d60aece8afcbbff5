#include "common/io/accounts.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

namespace common::io {
namespace {

bool is_number(const std::string& s, unsigned long& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

Result<Account> lookup_user(const std::string& name_or_id) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  unsigned long id = 0;
  const int rc = is_number(name_or_id, id) ? ::getpwuid_r(static_cast<uid_t>(id), &pw, buf.data(), buf.size(), &found)
                                           : ::getpwnam_r(name_or_id.c_str(), &pw, buf.data(), buf.size(), &found);
  if (found == nullptr) {
    if (rc == 0 && is_number(name_or_id, id)) {
      return Account{static_cast<uid_t>(id), static_cast<gid_t>(id), name_or_id};  // ids need no passwd entry
    }
    return rc == 0 ? fail("user '{}' does not exist", name_or_id) : sys_fail(rc, "look up user '{}'", name_or_id);
  }
  return Account{pw.pw_uid, pw.pw_gid, pw.pw_name};
}

Result<gid_t> lookup_group(const std::string& name_or_id) {
  unsigned long id = 0;
  if (is_number(name_or_id, id)) return static_cast<gid_t>(id);
  group gr{};
  group* found = nullptr;
  std::vector<char> buf(16384);
  const int rc = ::getgrnam_r(name_or_id.c_str(), &gr, buf.data(), buf.size(), &found);
  if (found == nullptr) {
    return rc == 0 ? fail("group '{}' does not exist", name_or_id) : sys_fail(rc, "look up group '{}'", name_or_id);
  }
  return gr.gr_gid;
}

Status drop_privileges(const Account& account, gid_t gid) {
  if (::setgroups(1, &gid) != 0) return sys_fail(errno, "setgroups");
  if (::setgid(gid) != 0) return sys_fail(errno, "setgid {}", gid);
  if (::setuid(account.uid) != 0) return sys_fail(errno, "setuid {}", account.uid);
  return {};
}

}  // namespace common::io
