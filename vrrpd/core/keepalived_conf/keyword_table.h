// What the keepalived.conf reader says about a Keepalived 2.2.7 keyword
// vrrpd has no counterpart for (keyword_table.cpp): a no-op (and why it
// changes nothing for vrrpd) or an error (and the nearest alternative).
// Keywords vrrpd maps are handled by the translators, which come first.
#pragma once

#include <optional>
#include <string_view>

namespace vrrpd::keepalived_conf {

struct KeywordVerdict {
  std::string_view context;  // section, global_defs, vrrp_instance, vrrp_script, vrrp_sync_group, …
  std::string_view keyword;
  bool no_op = false;       // true: accepted, changes nothing; false: refused
  std::string_view reason;  // why it changes nothing, or the nearest alternative
};

std::optional<KeywordVerdict> find_keyword(std::string_view context, std::string_view keyword);

}  // namespace vrrpd::keepalived_conf
