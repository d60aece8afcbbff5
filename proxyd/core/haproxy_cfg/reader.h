// haproxy.cfg read as it is: the reader turns HAProxy's sections and
// directives into the configuration document the INI loader takes (the
// same keys, each entry at the haproxy.cfg line it came from), so one
// loader builds the one model (config/proxy_config.h) from either format and
// every error is reported at the operator's file:line.
//
// Each directive, bind option and server option is mapped 1:1 onto proxyd's
// key or option (directives.cpp, options.cpp), accepted as a no-op with a
// notice saying why it changes nothing for proxyd, or refused with an error
// naming the nearest alternative. Nothing is silently ignored. Pure.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/core/config/diagnostics.h"
#include "common/core/config/env_expand.h"
#include "common/core/config/ini_document.h"

namespace proxyd::haproxy_cfg {

struct SourceFile {
  std::string name;
  std::string text;
};

// Whether <text> is a haproxy.cfg: its first directive is one of HAProxy's
// section keywords, written without brackets.
bool looks_like_haproxy(std::string_view text);

// <files> (in order, as HAProxy's repeated -f) as one document.
common::config::IniDocument read(std::span<const SourceFile> files, const common::config::EnvLookup& env,
                                 common::config::Diagnostics& diagnostics);

// The document as proxyd's INI, each section and entry preceded by a
// comment naming the haproxy.cfg file:line it came from (`proxyd --convert`).
std::string to_ini(const common::config::IniDocument& doc);

}  // namespace proxyd::haproxy_cfg
