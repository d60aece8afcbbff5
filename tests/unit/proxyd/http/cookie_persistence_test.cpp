#include "proxyd/core/http/cookie_persistence.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace proxyd::http;

namespace {

MessageHead with_fields(std::vector<HeaderField> headers) {
  MessageHead head;
  head.headers = std::move(headers);
  return head;
}

CookieSettings settings(CookieSettings::Mode mode, std::string name = "SERVERID") {
  CookieSettings s;
  s.name = std::move(name);
  s.mode = mode;
  return s;
}

// "Name: value" lines of the editor's fields.
std::vector<std::string> lines(const HeadEditor& editor) {
  std::vector<std::string> out;
  for (const auto& f : editor.fields()) out.push_back(std::string(f.name) + ": " + std::string(f.value));
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("the persistence cookie is found among other cookies and headers", "[proxyd][http][cookie]") {
  const auto insert = settings(CookieSettings::Mode::Insert);
  const auto head = with_fields({{"Host", "a"}, {"Cookie", "a=1; SERVERID=web1; b=2"}});
  CHECK(find_persistence_cookie(insert, HeadEditor(head)) == "web1");

  const auto tight = with_fields({{"Cookie", "a=1;SERVERID=web2;b=2"}});
  CHECK(find_persistence_cookie(insert, HeadEditor(tight)) == "web2");

  const auto several = with_fields({{"Cookie", "a=1"}, {"cookie", "b=2; SERVERID=web3"}});
  CHECK(find_persistence_cookie(insert, HeadEditor(several)) == "web3");

  const auto none = with_fields({{"Cookie", "a=1; serverid=web1; XSERVERID=web1"}});  // names are case-sensitive
  CHECK(find_persistence_cookie(insert, HeadEditor(none)) == std::nullopt);

  const auto empty = with_fields({{"Cookie", "SERVERID="}});
  CHECK(find_persistence_cookie(insert, HeadEditor(empty)) == std::nullopt);

  const auto no_cookie = with_fields({{"Host", "a"}});
  CHECK(find_persistence_cookie(insert, HeadEditor(no_cookie)) == std::nullopt);
}

TEST_CASE("prefix mode reads the server before the '~'", "[proxyd][http][cookie]") {
  const auto prefix = settings(CookieSettings::Mode::Prefix, "JSESSIONID");
  const auto head = with_fields({{"Cookie", "lang=en; JSESSIONID=web1~abc123"}});
  CHECK(find_persistence_cookie(prefix, HeadEditor(head)) == "web1");
  const auto unprefixed = with_fields({{"Cookie", "JSESSIONID=abc123"}});
  CHECK(find_persistence_cookie(prefix, HeadEditor(unprefixed)) == std::nullopt);
}

TEST_CASE("insert indirect hides our cookie from the server", "[proxyd][http][cookie]") {
  auto s = settings(CookieSettings::Mode::Insert);
  s.indirect = true;
  const auto head = with_fields({{"Host", "a"},
                                 {"Cookie", "a=1; SERVERID=web1; b=2"},
                                 {"Cookie", "SERVERID=web1"},
                                 {"Cookie", "c=3;SERVERID=web1"},
                                 {"Accept", "*/*"}});
  HeadEditor editor(head);
  strip_request_cookie(s, editor);
  CHECK(lines(editor) == Lines{"Host: a", "Cookie: a=1; b=2", "Cookie: c=3", "Accept: */*"});
}

TEST_CASE("insert without indirect and rewrite leave the request alone", "[proxyd][http][cookie]") {
  const auto head = with_fields({{"Cookie", "a=1; SERVERID=web1"}});
  for (const auto mode : {CookieSettings::Mode::Insert, CookieSettings::Mode::Rewrite}) {
    HeadEditor editor(head);
    strip_request_cookie(settings(mode), editor);
    CHECK(lines(editor) == Lines{"Cookie: a=1; SERVERID=web1"});
  }
}

TEST_CASE("prefix mode gives the server its own value back", "[proxyd][http][cookie]") {
  const auto s = settings(CookieSettings::Mode::Prefix, "JSESSIONID");
  const auto head = with_fields({{"Cookie", "lang=en; JSESSIONID=web1~abc123; x=y"}, {"Cookie", "other=1"}});
  HeadEditor editor(head);
  strip_request_cookie(s, editor);
  CHECK(lines(editor) == Lines{"Cookie: lang=en; JSESSIONID=abc123; x=y", "Cookie: other=1"});
}

TEST_CASE("insert mode sets the cookie when the request had no valid one", "[proxyd][http][cookie]") {
  auto s = settings(CookieSettings::Mode::Insert);
  const auto head = with_fields({{"Content-Length", "0"}});
  {
    HeadEditor editor(head);
    apply_response_cookie(s, "web1", true, editor);
    CHECK(lines(editor) == Lines{"Content-Length: 0", "Set-Cookie: SERVERID=web1; path=/"});
  }
  {
    HeadEditor editor(head);
    apply_response_cookie(s, "web1", false, editor);
    CHECK(lines(editor) == Lines{"Content-Length: 0"});
  }
  s.httponly = true;
  s.secure = true;
  s.nocache = true;
  {
    HeadEditor editor(head);
    apply_response_cookie(s, "web1", true, editor);
    CHECK(lines(editor) ==
          Lines{"Content-Length: 0", "Set-Cookie: SERVERID=web1; path=/; HttpOnly; Secure", "Cache-Control: private"});
  }
  {
    const auto cached = with_fields({{"Cache-Control", "public, max-age=60"}, {"Content-Length", "0"}});
    HeadEditor editor(cached);
    apply_response_cookie(s, "web1", true, editor);
    CHECK(lines(editor) ==
          Lines{"Content-Length: 0", "Set-Cookie: SERVERID=web1; path=/; HttpOnly; Secure", "Cache-Control: private"});
  }
}

TEST_CASE("prefix mode prefixes the server's own cookie", "[proxyd][http][cookie]") {
  const auto s = settings(CookieSettings::Mode::Prefix, "JSESSIONID");
  const auto head = with_fields({{"Set-Cookie", "JSESSIONID=abc123; Path=/; HttpOnly"}, {"Set-Cookie", "lang=en"}});
  HeadEditor editor(head);
  apply_response_cookie(s, "web1", true, editor);
  CHECK(lines(editor) == Lines{"Set-Cookie: JSESSIONID=web1~abc123; Path=/; HttpOnly", "Set-Cookie: lang=en"});

  const auto none = with_fields({{"Set-Cookie", "lang=en"}});
  HeadEditor untouched(none);
  apply_response_cookie(s, "web1", true, untouched);
  CHECK(lines(untouched) == Lines{"Set-Cookie: lang=en"});
}

TEST_CASE("rewrite mode replaces the value of the server's cookie", "[proxyd][http][cookie]") {
  const auto s = settings(CookieSettings::Mode::Rewrite);
  const auto head = with_fields({{"Set-Cookie", "SERVERID=placeholder; path=/"}, {"Set-Cookie", "SERVERID=x"}});
  HeadEditor editor(head);
  apply_response_cookie(s, "web2", false, editor);
  CHECK(lines(editor) == Lines{"Set-Cookie: SERVERID=web2; path=/", "Set-Cookie: SERVERID=web2"});
}
