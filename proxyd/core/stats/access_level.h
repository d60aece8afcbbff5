// A runtime API socket's level (HAProxy's `level user|operator|admin`):
// user reads (help, show, get), operator also sees the sessions (show sess),
// admin changes state too (server states, weights, maps and ACL files).
#pragma once

#include <string_view>

#include "common/core/result.h"

namespace proxyd::stats {

enum class AccessLevel { User, Operator, Admin };

common::Result<AccessLevel> parse_access_level(std::string_view word);
std::string_view access_level_name(AccessLevel level);

}  // namespace proxyd::stats
