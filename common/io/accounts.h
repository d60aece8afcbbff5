// Users and groups by name or numeric id (getpwnam_r/getgrnam_r).
#pragma once

#include <sys/types.h>

#include <string>

#include "common/core/result.h"

namespace common::io {

struct Account {
  uid_t uid = 0;
  gid_t gid = 0;  // the user's primary group
  std::string name;
};

Result<Account> lookup_user(const std::string& name_or_id);
Result<gid_t> lookup_group(const std::string& name_or_id);

// setgroups/setgid/setuid to <account> (and <gid> instead of its primary group).
Status drop_privileges(const Account& account, gid_t gid);

}  // namespace common::io
