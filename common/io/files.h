// Whole-file reads for configuration loading, and atomic whole-file writes
// (a temporary file in the same directory, fsync, rename: a reader sees the
// old file or the new one, never a part; the mode of the old file is kept).
#pragma once

#include <string>

#include "common/core/result.h"

namespace common::io {

// Reads <path> (at most <max_size> bytes; larger files are an error).
Result<std::string> read_file(const std::string& path, std::size_t max_size = 16 << 20);

// Replaces <path> with <contents>.
Status write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace common::io
