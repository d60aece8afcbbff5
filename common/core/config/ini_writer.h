// A configuration document written back as INI text (`--convert` of both
// daemons): each section and entry preceded by a comment naming the file:line
// it came from in the original (haproxy.cfg, keepalived.conf). Pure.
#pragma once

#include <string>
#include <string_view>

#include "common/core/config/ini_document.h"

namespace common::config {

// <header>: the first comment line, without its "; ".
std::string to_ini(const IniDocument& doc, std::string_view header);

}  // namespace common::config
