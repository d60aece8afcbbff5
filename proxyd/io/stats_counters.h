// Monotonic counters written on the data path and summed when read: one
// cache line per worker thread, each written by its worker only. An
// increment is then a relaxed load and store on a line no other core writes
// (no locked instruction, no line bouncing between cores); the reader (the
// control thread) adds up every worker's line with relaxed loads. A sum may
// miss increments in flight, never tear a value.
//
// Gauges that enforce limits (connections, a server's active count, queue
// lengths) stay single shared atomics: maxconn needs one global view.
#pragma once

#include <array>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace proxyd::io {

// Counters named by <Enum>, whose last enumerator is Count.
template <class Enum>
class PerWorkerCounters {
 public:
  explicit PerWorkerCounters(std::size_t workers) : lines_(std::make_unique<Line[]>(workers)), workers_(workers) {}

  // Adds <n> to <counter> of <worker>; only that worker's thread may call it.
  void add(std::size_t worker, Enum counter, std::uint64_t n = 1) {
    assert(worker < workers_);
    auto& value = lines_[worker].values[static_cast<std::size_t>(counter)];
    value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  // The sum over every worker (any thread).
  std::uint64_t sum(Enum counter) const {
    std::uint64_t total = 0;
    for (std::size_t w = 0; w < workers_; ++w) {
      total += lines_[w].values[static_cast<std::size_t>(counter)].load(std::memory_order_relaxed);
    }
    return total;
  }

 private:
  static constexpr std::size_t kCount = static_cast<std::size_t>(Enum::Count);
  struct alignas(64) Line {
    std::array<std::atomic<std::uint64_t>, kCount> values{};
  };

  std::unique_ptr<Line[]> lines_;
  std::size_t workers_;
};

// Raises <max> to <value> if above (a high-water mark shared by workers).
inline void raise_max(std::atomic<std::uint32_t>& max, std::uint32_t value) {
  auto seen = max.load(std::memory_order_relaxed);
  while (value > seen && !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

}  // namespace proxyd::io
