#include "proxyd/core/stats/json_render.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "unit/proxyd/stats/sample_snapshot.h"

using namespace proxyd::stats;
using nlohmann::json;

TEST_CASE("the JSON variant carries the same data, nested", "[proxyd][stats]") {
  const auto doc = json::parse(render_json(testing::sample_snapshot()));
  CHECK(doc["process"]["pid"] == 4242);
  CHECK(doc["process"]["uptime_seconds"] == 3723);
  CHECK(doc["process"]["worker_sessions"] == json::array({4, 3}));
  const auto& fe = doc["frontends"][0];
  CHECK(fe["name"] == "www");
  CHECK(fe["status"] == "OPEN");
  CHECK(fe["sessions"]["total"] == 1234);
  CHECK(fe["sessions"]["limit"] == 10000);
  CHECK(fe["binds"].size() == 2);
  const auto& be = doc["backends"][0];
  CHECK(be["balance"] == "leastconn");
  CHECK(be["queue"]["max"] == 5);
  CHECK(be["errors"]["connect"] == 6);
  REQUIRE(be["servers"].size() == 3);
  const auto& web2 = be["servers"][1];
  CHECK(web2["status"] == "DOWN 1/2");
  CHECK(web2["up"] == false);
  CHECK(web2["check"]["status"] == "L4CON");
  CHECK(web2["check"]["info"] == "Connection refused");
  CHECK(web2["check"]["failed"] == 9);
  const auto& sorry = be["servers"][2];
  CHECK(sorry["admin"] == "DRAIN");
  CHECK(sorry["check"]["enabled"] == false);
  CHECK(sorry["sessions"]["limit"].is_null());
  CHECK(sorry["http_responses"]["2xx"] == 0);
}

TEST_CASE("bytes that are not UTF-8 do not break the document", "[proxyd][stats]") {
  auto snap = testing::sample_snapshot();
  snap.frontends[0].name = "bad\xff";
  CHECK_NOTHROW(json::parse(render_json(snap)));
}
