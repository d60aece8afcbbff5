#include <catch2/catch.hpp>

#include "proxyd/core/sample/expression.h"

using proxyd::sample::Context;

namespace {

// Fixed live state: backend "app" with two usable servers of maxconn 10
// (3 connections), "web" with none.
class FixedState final : public proxyd::sample::Runtime {
 public:
  std::optional<std::int64_t> usable_servers(std::string_view b) const override {
    return b == "app" ? std::optional<std::int64_t>(2) : b == "web" ? std::optional<std::int64_t>(0) : std::nullopt;
  }
  std::optional<std::int64_t> backend_connections(std::string_view b) const override {
    return b == "app" ? std::optional<std::int64_t>(3) : std::nullopt;
  }
  std::optional<std::int64_t> frontend_connections(std::string_view f) const override {
    return f == "www" ? std::optional<std::int64_t>(7) : std::nullopt;
  }
  std::optional<bool> server_up(std::string_view b, std::string_view s) const override {
    if (b != "app") return std::nullopt;
    return s == "a1";
  }
  std::optional<std::int64_t> free_slots(std::string_view b) const override {
    return b == "app" ? std::optional<std::int64_t>(17) : std::nullopt;
  }
  std::optional<std::int64_t> queued(std::string_view b) const override {
    return b == "app" ? std::optional<std::int64_t>(9) : std::nullopt;
  }
};

std::int64_t fixed_now() {
  return 1'800'000'000;
}
std::uint64_t four() {
  return 4;
}

std::string eval(const std::string& text, const Context& ctx) {
  auto expr = proxyd::sample::parse_expression(text);
  INFO(text << ": " << (expr ? std::string() : expr.error().describe()));
  REQUIRE(expr);
  const auto s = proxyd::sample::evaluate_first(*expr, ctx);
  return s ? s->as_text() : "<none>";
}

}  // namespace

TEST_CASE("fetches of the live state, date() and rand()", "[proxyd][sample]") {
  FixedState state;
  Context ctx;
  ctx.runtime = &state;
  ctx.frontend = "www";
  ctx.backend = "app";
  ctx.now_unix = fixed_now;
  ctx.random = four;
  CHECK(eval("nbsrv(app)", ctx) == "2");
  CHECK(eval("nbsrv", ctx) == "2");  // the current backend
  CHECK(eval("nbsrv(web)", ctx) == "0");
  CHECK(eval("nbsrv(nope)", ctx) == "<none>");
  CHECK(eval("be_conn(app)", ctx) == "3");
  CHECK(eval("fe_conn", ctx) == "7");
  CHECK(eval("connslots(app)", ctx) == "17");
  CHECK(eval("avg_queue(app)", ctx) == "4");  // 9 queued over 2 servers
  CHECK(eval("srv_is_up(app/a1)", ctx) == "1");
  CHECK(eval("srv_is_up(app/a2)", ctx) == "0");
  CHECK(eval("srv_is_up(a1)", ctx) == "1");
  CHECK(eval("date", ctx) == "1800000000");
  CHECK(eval("date(3600)", ctx) == "1800003600");
  CHECK(eval("rand(3)", ctx) == "1");
  CHECK(eval("rand", ctx) == "4");
  Context none;
  CHECK(eval("nbsrv(app)", none) == "<none>");
}

TEST_CASE("converters json, bytes and concat", "[proxyd][sample]") {
  proxyd::sample::Variables vars;
  vars.set({proxyd::sample::VarScope::Txn, "user"}, proxyd::sample::Sample::of_str("ann"));
  Context ctx;
  ctx.vars = &vars;
  CHECK(eval("str('a\"b'),json", ctx) == "a\\\"b");
  CHECK(eval("str(abcdef),bytes(2)", ctx) == "cdef");
  CHECK(eval("str(abcdef),bytes(1,3)", ctx) == "bcd");
  CHECK(eval("str(abc),bytes(9)", ctx).empty());
  CHECK(eval("str(id),concat(=,txn.user,;)", ctx) == "id=ann;");
  CHECK(eval("str(id),concat(-)", ctx) == "id-");
  CHECK_FALSE(proxyd::sample::parse_expression("str(x),json(latin1)"));
  CHECK_FALSE(proxyd::sample::parse_expression("str(x),concat(a,nope,b)"));
}
