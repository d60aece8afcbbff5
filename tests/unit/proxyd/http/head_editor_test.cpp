#include "proxyd/core/http/head_editor.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace proxyd::http;

namespace {

MessageHead request(std::vector<HeaderField> headers) {
  MessageHead head;
  head.method = "GET";
  head.target = "/index.html";
  head.headers = std::move(headers);
  return head;
}

std::string serialized(const HeadEditor& editor) {
  std::string out;
  editor.serialize_request("GET", "/index.html", 1, out);
  return out;
}

}  // namespace

TEST_CASE("an untouched editor writes the received fields back", "[proxyd][http][head_editor]") {
  const auto head = request({{"Host", "example.org"}, {"Accept", "*/*"}});
  const HeadEditor editor(head);
  CHECK(serialized(editor) == "GET /index.html HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n");
  std::string out = "prefix|";
  editor.serialize_request("POST", "/x", 0, out);
  CHECK(out == "prefix|POST /x HTTP/1.0\r\nHost: example.org\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("add, set, remove and get work on names case-insensitively", "[proxyd][http][head_editor]") {
  const auto head = request({{"Host", "example.org"}, {"X-A", "1"}, {"x-a", "2"}, {"Accept", "*/*"}});
  HeadEditor editor(head);
  CHECK(editor.get("x-A") == "1");
  CHECK(editor.get("missing") == std::nullopt);
  editor.remove("X-A");
  CHECK(editor.get("x-a") == std::nullopt);
  editor.add("X-Forwarded-For", "192.0.2.7");
  editor.set("accept", "text/html");
  CHECK(serialized(editor) ==
        "GET /index.html HTTP/1.1\r\nHost: example.org\r\nX-Forwarded-For: 192.0.2.7\r\naccept: text/html\r\n\r\n");
}

TEST_CASE("added names and values are copies that outlive their sources", "[proxyd][http][head_editor]") {
  const auto head = request({{"Host", "example.org"}});
  HeadEditor editor(head);
  for (int i = 0; i < 100; ++i) {
    std::string name = "X-Header-" + std::to_string(i);
    std::string value = std::string(40, 'v') + std::to_string(i);  // beyond the small-string buffer
    editor.add(name, value);
  }
  editor.replace_value(0, std::string("other.example.org"));
  CHECK(editor.fields().size() == 101);
  CHECK(editor.get("x-header-99") == std::string(40, 'v') + "99");
  CHECK(editor.get("Host") == "other.example.org");
  editor.remove_at(0);
  CHECK(editor.fields().front().name == "X-Header-0");
}

TEST_CASE("header rules apply in order", "[proxyd][http][head_editor]") {
  const auto head = request({{"Host", "example.org"}, {"X-Debug", "1"}, {"X-Env", "dev"}});
  HeadEditor editor(head);
  const std::vector<HeaderRule> rules{
      {HeaderRule::Action::Del, "x-debug", "", 1},
      {HeaderRule::Action::Set, "X-Env", "prod", 2},
      {HeaderRule::Action::Add, "X-Via", "proxyd", 3},
      {HeaderRule::Action::Add, "X-Via", "again", 4},
  };
  editor.apply(rules);
  CHECK(serialized(editor) ==
        "GET /index.html HTTP/1.1\r\nHost: example.org\r\nX-Env: prod\r\nX-Via: proxyd\r\nX-Via: again\r\n\r\n");
}

TEST_CASE("responses serialize with their status line", "[proxyd][http][head_editor]") {
  MessageHead head;
  head.status = 200;
  head.reason = "OK";
  head.headers = {{"Content-Length", "5"}};
  HeadEditor editor(head);
  editor.add("Set-Cookie", "SERVERID=web1; path=/");
  std::string out;
  editor.serialize_response(1, 200, "OK", out);
  CHECK(out == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: SERVERID=web1; path=/\r\n\r\n");
}

TEST_CASE("hop-by-hop fields go, with those Connection names", "[proxyd][http][head_editor]") {
  const auto head = request({{"Host", "example.org"},
                             {"Connection", "keep-alive, X-Secret"},
                             {"Keep-Alive", "timeout=5"},
                             {"Proxy-Connection", "keep-alive"},
                             {"TE", "trailers"},
                             {"Upgrade", "websocket"},
                             {"X-Secret", "s"},
                             {"connection", " x-other ,"},
                             {"X-Other", "o"},
                             {"Transfer-Encoding", "chunked"},
                             {"Accept", "*/*"}});
  HeadEditor editor(head);
  remove_hop_by_hop(editor, false);
  CHECK(serialized(editor) ==
        "GET /index.html HTTP/1.1\r\nHost: example.org\r\nTransfer-Encoding: chunked\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("Connection cannot remove the fields that frame or route the message", "[proxyd][http][head_editor]") {
  const auto head = request(
      {{"Host", "example.org"}, {"Connection", "Content-Length, Transfer-Encoding, Host"}, {"Content-Length", "4"}});
  HeadEditor editor(head);
  remove_hop_by_hop(editor, false);
  CHECK(serialized(editor) == "GET /index.html HTTP/1.1\r\nHost: example.org\r\nContent-Length: 4\r\n\r\n");
}

TEST_CASE("an upgrade that is kept stays announced in Connection", "[proxyd][http][head_editor]") {
  const auto head = request({{"Host", "example.org"},
                             {"Connection", "Upgrade, keep-alive"},
                             {"Upgrade", "websocket"},
                             {"Sec-WebSocket-Version", "13"}});
  HeadEditor editor(head);
  remove_hop_by_hop(editor, true);
  CHECK(serialized(editor) ==
        "GET /index.html HTTP/1.1\r\nHost: example.org\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        "Connection: upgrade\r\n\r\n");

  const auto plain = request({{"Host", "example.org"}, {"Connection", "close"}});
  HeadEditor no_upgrade(plain);
  remove_hop_by_hop(no_upgrade, true);
  CHECK(serialized(no_upgrade) == "GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n");
}
