// HAProxy's word splitting for rule lines: words are separated by blanks;
// single quotes keep everything literally, double quotes and bare words
// take backslash escapes (\" \' \\ \  \# \$ and \t \n \r; any other
// backslash is kept, so "\." and "\1" reach a regex). Each word keeps the
// column where it starts (1-based), for `file:line:column` errors. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"

namespace proxyd::sample {

struct Word {
  std::string text;
  std::size_t column = 1;  // 1-based, in the text given to split
  bool quoted = false;     // any part was quoted ("||" in quotes is not an operator)
};

common::Result<std::vector<Word>> split(std::string_view text);

}  // namespace proxyd::sample
