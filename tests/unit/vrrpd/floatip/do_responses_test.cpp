// Decoding DigitalOcean bodies: shapes from the public v2 spec, and every
// malformed variant as an error value, never an exception.
#include "vrrpd/floatip/core/do_responses.h"

#include <catch2/catch.hpp>

using namespace vrrpd::floatip;

TEST_CASE("a reserved_ip object gives the droplet id and the lock", "[floatip]") {
  const auto held =
      parse_ip_object(R"({"reserved_ip":{"ip":"203.0.113.10","droplet":{"id":8219222,"name":"lb-1"},"locked":true,)"
                      R"("region":{"slug":"nyc3"},"project_id":"746c6152"}})");
  REQUIRE(held);
  CHECK(held->droplet_id == 8219222u);
  CHECK(held->locked);

  const auto free = parse_ip_object(R"({"reserved_ip":{"ip":"203.0.113.10","droplet":null,"locked":false}})");
  REQUIRE(free);
  CHECK_FALSE(free->droplet_id);
  CHECK_FALSE(free->locked);

  // The legacy endpoint's key, and a missing droplet field (unassigned).
  const auto legacy = parse_ip_object(R"({"floating_ip":{"ip":"203.0.113.10"}})");
  REQUIRE(legacy);
  CHECK_FALSE(legacy->droplet_id);
}

TEST_CASE("malformed reserved_ip bodies are errors", "[floatip]") {
  for (const char* body : {"", "not json", "[]", R"({"reserved_ip":"x"})", R"({"droplet":{"id":1}})",
                           R"({"reserved_ip":{"droplet":{"id":"8219222"}}})",
                           R"({"reserved_ip":{"droplet":{"id":-1}}})", R"({"reserved_ip":{"droplet":7}})",
                           R"({"reserved_ip":{"locked":"yes"}})", R"({"reserved_ip":{"droplet":{"id":1})"}) {
    INFO(body);
    CHECK_FALSE(parse_ip_object(body));
  }
}

TEST_CASE("an action gives its id and status", "[floatip]") {
  const auto a = parse_action(
      R"({"action":{"id":72531856,"status":"in-progress","type":"assign_ip","started_at":"2026-01-01T00:00:00Z",)"
      R"("completed_at":null,"resource_id":758604968,"resource_type":"reserved_ip","region_slug":"nyc3"}})");
  REQUIRE(a);
  CHECK(a->id == 72531856u);
  CHECK(a->status == ActionStatus::InProgress);
  CHECK(parse_action(R"({"action":{"id":1,"status":"completed"}})")->status == ActionStatus::Completed);
  CHECK(parse_action(R"({"action":{"id":1,"status":"errored"}})")->status == ActionStatus::Errored);
  // Unknown states keep the poll going; the budget bounds it.
  CHECK(parse_action(R"({"action":{"id":1,"status":"queued"}})")->status == ActionStatus::InProgress);
  CHECK_FALSE(parse_action(R"({"action":{"status":"completed"}})"));
  CHECK_FALSE(parse_action(R"({"action":{"id":1}})"));
  CHECK_FALSE(parse_action(R"({"id":"unprocessable_entity"})"));
  CHECK_FALSE(parse_action("<html>"));
}

TEST_CASE("DO error bodies are read best effort", "[floatip]") {
  const auto e =
      parse_api_error(R"({"id":"unprocessable_entity","message":"The floating IP already has a pending event.",)"
                      R"("request_id":"4b2ff4ad-7d6a-4c25-8bc1-1b6a6a2c7e0e"})");
  CHECK(e.id == "unprocessable_entity");
  CHECK(e.message == "The floating IP already has a pending event.");
  CHECK(e.request_id == "4b2ff4ad-7d6a-4c25-8bc1-1b6a6a2c7e0e");
  CHECK(parse_api_error(R"({"message":"only this"})").message == "only this");
  CHECK(parse_api_error("<html>502 Bad Gateway</html>").id.empty());
  CHECK(parse_api_error(R"({"id":5})").id.empty());
}

TEST_CASE("the metadata droplet id is a positive integer in plain text", "[floatip]") {
  CHECK(parse_droplet_id("8219222") == 8219222u);
  CHECK(parse_droplet_id("8219222\n") == 8219222u);
  for (const char* bad : {"", "\n", "0", "-1", "12a", "1 2", "<html>", "99999999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_droplet_id(bad));
  }
}

TEST_CASE("the assign body carries droplet_id as a JSON integer", "[floatip]") {
  CHECK(assign_body(8219222) == R"({"type":"assign","droplet_id":8219222})");
}
