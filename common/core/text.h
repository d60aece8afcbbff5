// Small pure string helpers shared by the config loaders and codecs.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"

namespace common::text {

std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);

// Splits on runs of blanks (space, tab); no empty fields.
std::vector<std::string_view> split_words(std::string_view s);

// Splits a command line the way a POSIX shell tokenizes words, without any
// expansion: blanks separate words, '…' is literal, "…" honours \" \\ \$ \`,
// a backslash outside quotes escapes the next character. `$(…)`, globs and
// redirections are plain characters. Fails on an unterminated quote.
Result<std::vector<std::string>> split_shell_words(std::string_view s);

// Levenshtein distance, for did-you-mean suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to <word> when it is plausibly a typo of it.
std::optional<std::string_view> closest_match(std::string_view word, std::span<const std::string_view> candidates);

// Joins with <separator>.
std::string join(std::span<const std::string> parts, std::string_view separator);

}  // namespace common::text
