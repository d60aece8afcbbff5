// keepalived.conf's blocks: the lexer's lines grouped into keywords with
// their words and, for a block keyword, the items between its braces. A
// block's `{` may stand on the keyword's line or the next; items may share
// a line with either brace (`unicast_peer { 10.0.0.2 }`). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "vrrpd/core/keepalived_conf/lexer.h"

namespace vrrpd::keepalived_conf {

struct Node {
  std::vector<KaWord> words;  // the keyword and its arguments (braces not included)
  int line = 0;
  bool block = false;  // followed by { … }
  std::vector<Node> items;

  std::string_view keyword() const { return words.front().text; }
  std::string_view arg(std::size_t i) const { return i + 1 < words.size() ? std::string_view(words[i + 1].text) : ""; }
  std::size_t arg_count() const { return words.size() - 1; }
  // The arguments from <first> on, joined by single spaces.
  std::string args_from(std::size_t first) const;
};

// Unbalanced braces are errors in <diagnostics> (at <doc>'s file:line); the
// tree holds what could be grouped.
std::vector<Node> build_tree(const std::vector<KaLine>& lines, const common::config::IniDocument& doc,
                             common::config::Diagnostics& diagnostics);

}  // namespace vrrpd::keepalived_conf
