#include "proxyd/io/byte_buffer.h"

#include <catch2/catch.hpp>
#include <cstring>

using proxyd::io::BufferPool;
using proxyd::io::ByteBuffer;
using proxyd::io::kRelayBufferSize;

namespace {

void put(ByteBuffer& b, std::string_view text) {
  b.reserve_tail(text.size());
  std::memcpy(b.tail().data(), text.data(), text.size());
  b.commit(text.size());
}

}  // namespace

TEST_CASE("byte buffer: an empty buffer holds no block until bytes come", "[io]") {
  BufferPool pool;
  ByteBuffer b(pool);
  CHECK(b.empty());
  CHECK(b.tail_room() == 0);
  put(b, "GET / HTTP/1.1\r\n");
  CHECK(b.view() == "GET / HTTP/1.1\r\n");
  CHECK(b.tail_room() == kRelayBufferSize - 16);
  b.consume(16);
  CHECK(b.empty());
  b.release();  // back to the pool: the next buffer reuses the block
  CHECK(b.tail_room() == 0);
  ByteBuffer other(pool);
  other.reserve_tail(1);
  CHECK(other.tail_room() == kRelayBufferSize);
}

TEST_CASE("byte buffer: consuming keeps views into the data valid; release keeps a non-empty buffer", "[io]") {
  BufferPool pool;
  ByteBuffer b(pool);
  put(b, "headbody");
  const auto whole = b.view();
  b.consume(4);
  CHECK(b.view() == "body");
  CHECK(whole.substr(4) == "body");  // same bytes, not moved
  b.release();
  CHECK(b.view() == "body");
}

TEST_CASE("byte buffer: room at the tail compacts or grows, keeping the data", "[io]") {
  BufferPool pool;
  ByteBuffer b(pool);
  put(b, std::string(kRelayBufferSize - 10, 'a'));
  b.consume(kRelayBufferSize - 20);  // 10 bytes left, far from the start
  b.reserve_tail(100);               // fits after compaction
  CHECK(b.size() == 10);
  CHECK(b.tail_room() >= 100);
  put(b, std::string(3 * kRelayBufferSize, 'b'));  // beyond a pool block
  CHECK(b.size() == 10 + 3 * kRelayBufferSize);
  CHECK(b.view().substr(0, 10) == std::string(10, 'a'));
  CHECK(b.view().back() == 'b');
}

TEST_CASE("byte buffer: swap exchanges blocks without copying", "[io]") {
  BufferPool pool;
  ByteBuffer a(pool), b(pool);
  put(a, "payload");
  const char* where = a.view().data();
  a.swap(b);
  CHECK(a.empty());
  CHECK(b.view() == "payload");
  CHECK(b.view().data() == where);
}
