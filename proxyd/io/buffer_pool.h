// Relay buffers, lent only while data is in flight: an idle connection
// holds none, so thousands of idle keep-alive connections cost no buffer
// memory. One pool per worker thread (no lock).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace proxyd::io {

inline constexpr std::size_t kRelayBufferSize = 16 * 1024;

class BufferPool {
 public:
  using Buffer = std::unique_ptr<std::uint8_t[]>;

  explicit BufferPool(std::size_t keep = 1024) : keep_(keep) {}
  Buffer take() {
    if (free_.empty()) return std::make_unique_for_overwrite<std::uint8_t[]>(kRelayBufferSize);
    Buffer b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void give(Buffer buffer) {
    if (buffer && free_.size() < keep_) free_.push_back(std::move(buffer));
  }

 private:
  std::size_t keep_;
  std::vector<Buffer> free_;
};

}  // namespace proxyd::io
