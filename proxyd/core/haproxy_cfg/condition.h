// The expressions of haproxy.cfg's `.if`/`.elif` (configuration manual 2.4):
// `0`, a non-zero integer, `defined(VAR)`, `feature(NAME)`, `streq(A,B)`,
// `strneq(A,B)`, `version_atleast(V)`, `version_before(V)`, in parentheses,
// negated with `!`, joined with `&&` (binding tighter) and `||`. An empty
// expression is false. The words were already unquoted and expanded. Pure.
#pragma once

#include <string_view>

#include "common/core/config/env_expand.h"
#include "common/core/result.h"

namespace proxyd::haproxy_cfg {

common::Result<bool> evaluate_condition(std::string_view expression, const common::config::EnvLookup& env);

// -1, 0 or 1 as version <a> is older than, the same as or newer than <b>
// ("2.4-dev19": numeric components, missing ones are zero; a "-dev" or other
// suffix makes it older than the release).
int compare_versions(std::string_view a, std::string_view b);

}  // namespace proxyd::haproxy_cfg
