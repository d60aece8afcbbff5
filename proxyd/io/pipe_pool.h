// Pipes for splice(2), reused across connections of one worker: creating a
// pipe costs two syscalls and two descriptors per direction per connection.
#pragma once

#include <vector>

#include "common/io/unique_fd.h"

namespace proxyd::io {

struct Pipe {
  common::io::UniqueFd read;
  common::io::UniqueFd write;
  explicit operator bool() const { return read.valid(); }
};

class PipePool {
 public:
  explicit PipePool(std::size_t keep = 256) : keep_(keep) {}
  // A pipe from the pool, or a new one; an empty Pipe when none can be made.
  Pipe take();
  // Returns an empty pipe for reuse (one still holding data is closed).
  void give(Pipe pipe, bool empty);

 private:
  std::size_t keep_;
  std::vector<Pipe> free_;
};

}  // namespace proxyd::io
