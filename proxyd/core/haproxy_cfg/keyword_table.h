// What the haproxy.cfg reader says about a HAProxy keyword proxyd has no
// counterpart for (keyword_table.cpp).
#pragma once

#include <optional>
#include <string_view>

namespace proxyd::haproxy_cfg {

struct KeywordVerdict {
  std::string_view context;  // section, global, proxy (with "option NAME"), bind, server
  std::string_view keyword;
  bool no_op = false;        // true: accepted, changes nothing; false: refused
  bool takes_value = false;  // bind and server words: followed by a value
  std::string_view reason;   // why it changes nothing, or the nearest alternative
};

std::optional<KeywordVerdict> find_keyword(std::string_view context, std::string_view keyword);

}  // namespace proxyd::haproxy_cfg
