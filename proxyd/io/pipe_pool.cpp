#include "proxyd/io/pipe_pool.h"

#include <fcntl.h>
#include <unistd.h>

namespace proxyd::io {

Pipe PipePool::take() {
  if (!free_.empty()) {
    Pipe p = std::move(free_.back());
    free_.pop_back();
    return p;
  }
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return {};
  return {common::io::UniqueFd(fds[0]), common::io::UniqueFd(fds[1])};
}

void PipePool::give(Pipe pipe, bool empty) {
  if (empty && pipe && free_.size() < keep_) free_.push_back(std::move(pipe));
}

}  // namespace proxyd::io
