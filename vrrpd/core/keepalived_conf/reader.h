// keepalived.conf read as it is: the reader turns Keepalived's blocks into
// the configuration document vrrpd's INI loader takes (the same keys, each
// entry at the keepalived.conf line it came from), so one loader builds the
// one model (config/vrrp_config.h) from either format and every error is
// reported at the operator's file:line.
//
// Each keyword is mapped 1:1 onto vrrpd's key (global_directives.cpp,
// instance_directives.cpp, tracker_directives.cpp), accepted as a no-op with
// a notice saying why it changes nothing for vrrpd, or refused with an error
// naming the nearest alternative (keyword_table.cpp); a keyword Keepalived
// does not know either is a warning, as Keepalived runs without it. Pure.
#pragma once

#include <string>
#include <string_view>

#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "vrrpd/core/keepalived_conf/lexer.h"

namespace vrrpd::keepalived_conf {

// Whether <text> is a keepalived.conf: its first statement is not an INI
// section header.
bool looks_like_keepalived(std::string_view text);

// <file> and the files it includes as one document.
common::config::IniDocument read(const SourceFile& file, const LexOptions& options,
                                 common::config::Diagnostics& diagnostics);

}  // namespace vrrpd::keepalived_conf
