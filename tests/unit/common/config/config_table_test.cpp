#include "common/core/config/config_table.h"

#include <catch2/catch.hpp>

using namespace common::config;
using namespace std::chrono_literals;

namespace {

struct Target {
  common::Duration timeout{0};
  std::uint32_t maxconn = 0;
  bool enabled = false;
  std::vector<common::net::Endpoint> binds;
  std::string name;
};

const KeyTable<Target>& keys() {
  static const KeyTable<Target> k = {
      field("timeout", &Target::timeout, parse_duration, "5s"),
      field("maxconn", &Target::maxconn, uint_in<std::uint32_t>(1, 1000), "100"),
      field("enabled", &Target::enabled, parse_bool, "true"),
      list("bind", &Target::binds, parse_endpoint),
      required(field("name", &Target::name, parse_word)),
  };
  return k;
}

std::string errors(const Diagnostics& d) {
  return d.to_string();
}

}  // namespace

TEST_CASE("a section is applied through its table, absent keys take defaults") {
  Diagnostics d;
  const auto doc = parse_ini("[s]\nname = a\nmaxconn = 7\nbind = 1.2.3.4:80\nbind = [::1]:81\n", "t.ini", d);
  Target t;
  const auto seen = load_section(doc, doc.sections[0], keys(), t, d);
  INFO(errors(d));
  REQUIRE_FALSE(d.has_errors());
  CHECK(t.name == "a");
  CHECK(t.maxconn == 7);
  CHECK(t.timeout == 5s);
  CHECK(t.enabled);
  REQUIRE(t.binds.size() == 2);
  CHECK(t.binds[1].to_string() == "[::1]:81");
  CHECK(seen.contains("maxconn"));
  CHECK_FALSE(seen.contains("timeout"));
}

TEST_CASE("inherited models keep their values when defaults are off") {
  Diagnostics d;
  const auto doc = parse_ini("[s]\nname = a\n", "t.ini", d);
  Target t;
  t.timeout = 9s;
  load_section(doc, doc.sections[0], keys(), t, d, LoadOptions{false});
  CHECK(t.timeout == 9s);
}

TEST_CASE("every error path: unknown key, bad value, duplicate, missing required") {
  Diagnostics d;
  const auto doc = parse_ini(
      "[s]\n"
      "timout = 5s\n"
      "maxconn = 0\n"
      "enabled = perhaps\n"
      "maxconn = 5\n"
      "maxconn = 6\n"
      "zzzzzz = 1\n",
      "t.ini", d);
  Target t;
  load_section(doc, doc.sections[0], keys(), t, d);
  const auto text = errors(d);
  INFO(text);
  CHECK(text.find("t.ini:2: error: unknown key 'timout' in [s] (did you mean 'timeout'?)") != std::string::npos);
  CHECK(text.find("t.ini:3: error: key 'maxconn': expected an integer from 1 to 1000, got '0'") != std::string::npos);
  CHECK(text.find("t.ini:4: error: key 'enabled': expected a boolean") != std::string::npos);
  CHECK(text.find("t.ini:6: error: key 'maxconn' given twice in [s] (first at line 3)") != std::string::npos);
  CHECK(text.find("t.ini:7: error: unknown key 'zzzzzz' in [s]\n") != std::string::npos);
  CHECK(text.find("t.ini:1: error: [s] needs key 'name'") != std::string::npos);
  CHECK(d.error_count() == 7);  // also line 5: maxconn given twice
}

TEST_CASE("section rules: unknown kinds, names, duplicates") {
  Diagnostics d;
  const auto doc =
      parse_ini("[global]\n[globl]\n[backend]\n[global x]\n[backend a]\n[backend a]\n[global]\n", "t.ini", d);
  static constexpr SectionRule rules[] = {{"global", false, true}, {"backend", true, false}};
  const auto accepted = check_sections(doc, rules, d);
  const auto text = errors(d);
  INFO(text);
  CHECK(accepted.size() == 2);
  CHECK(text.find("t.ini:2: error: unknown section [globl] (did you mean [global]?)") != std::string::npos);
  CHECK(text.find("t.ini:3: error: section [backend] needs a name") != std::string::npos);
  CHECK(text.find("t.ini:4: error: section [global] takes no name") != std::string::npos);
  CHECK(text.find("t.ini:6: error: duplicate section [backend a] (first at line 5)") != std::string::npos);
  CHECK(text.find("t.ini:7: error: duplicate section [global] (first at line 1)") != std::string::npos);
}

TEST_CASE("nested tables apply inner keys to a member") {
  struct Outer {
    Target inner;
  };
  Diagnostics d;
  const auto doc = parse_ini("[s]\nname = n\nmaxconn = 3\n", "t.ini", d);
  Outer o;
  load_section(doc, doc.sections[0], nested(keys(), &Outer::inner), o, d);
  REQUIRE_FALSE(d.has_errors());
  CHECK(o.inner.maxconn == 3);
  CHECK(o.inner.name == "n");
}
