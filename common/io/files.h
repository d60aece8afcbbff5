// Whole-file reads for configuration loading.
#pragma once

#include <string>

#include "common/core/result.h"

namespace common::io {

// Reads <path> (at most <max_size> bytes; larger files are an error).
Result<std::string> read_file(const std::string& path, std::size_t max_size = 16 << 20);

}  // namespace common::io
