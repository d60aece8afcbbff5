// The byte queue of one direction of an HTTP session: bytes are appended at
// the tail and consumed from the head. Its block comes from the worker's
// BufferPool when it is the pool's size and goes back as soon as the queue
// is empty and released, so an idle keep-alive connection holds no buffer.
// Consuming never moves the data (views into it stay valid); only making
// room at the tail may move it.
#pragma once

#include <algorithm>
#include <cstring>
#include <span>
#include <string_view>

#include "proxyd/io/buffer_pool.h"

namespace proxyd::io {

class ByteBuffer {
 public:
  explicit ByteBuffer(BufferPool& pool) : pool_(&pool) {}
  ~ByteBuffer() { release(); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  bool empty() const { return begin_ == end_; }
  std::size_t size() const { return end_ - begin_; }
  std::string_view view() const { return {data() + begin_, size()}; }
  // Bytes available after the data without moving it.
  std::size_t tail_room() const { return capacity_ - end_; }

  // Makes room for at least <n> bytes after the data (may move the data).
  void reserve_tail(std::size_t n) {
    if (tail_room() >= n) return;
    if (begin_ > 0 && capacity_ - size() >= n) {
      std::memmove(data(), data() + begin_, size());
      end_ -= begin_;
      begin_ = 0;
      return;
    }
    const std::size_t wanted = std::max(size() + n, kRelayBufferSize);
    BufferPool::Buffer block;
    std::unique_ptr<char[]> big;
    char* target = nullptr;
    if (wanted <= kRelayBufferSize) {
      block = pool_->take();
      target = reinterpret_cast<char*>(block.get());
    } else {
      big = std::make_unique_for_overwrite<char[]>(wanted);
      target = big.get();
    }
    if (size() > 0) std::memcpy(target, data() + begin_, size());
    end_ = size();
    begin_ = 0;
    release_block();
    pooled_ = std::move(block);
    own_ = std::move(big);
    capacity_ = wanted <= kRelayBufferSize ? kRelayBufferSize : wanted;
  }
  // The free space after the data; commit() what was written there.
  std::span<char> tail() { return {data() + end_, tail_room()}; }
  void commit(std::size_t n) { end_ += n; }

  void append(std::string_view bytes) {
    reserve_tail(bytes.size());
    std::memcpy(data() + end_, bytes.data(), bytes.size());
    end_ += bytes.size();
  }
  void consume(std::size_t n) {
    begin_ += std::min(n, size());
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() { begin_ = end_ = 0; }
  // Gives the block back when the buffer is empty (idle connections).
  void release() {
    if (!empty()) return;
    release_block();
    capacity_ = 0;
    begin_ = end_ = 0;
  }
  void swap(ByteBuffer& other) noexcept {
    std::swap(pooled_, other.pooled_);
    std::swap(own_, other.own_);
    std::swap(begin_, other.begin_);
    std::swap(end_, other.end_);
    std::swap(capacity_, other.capacity_);
    std::swap(pool_, other.pool_);
  }

 private:
  char* data() const { return pooled_ ? reinterpret_cast<char*>(pooled_.get()) : own_.get(); }
  void release_block() {
    if (pooled_) pool_->give(std::move(pooled_));
    own_.reset();
  }

  BufferPool* pool_;
  BufferPool::Buffer pooled_;
  std::unique_ptr<char[]> own_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace proxyd::io
