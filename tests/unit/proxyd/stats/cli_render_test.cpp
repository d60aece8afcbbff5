#include "proxyd/core/stats/cli_render.h"

#include <catch2/catch.hpp>

#include "unit/proxyd/stats/sample_snapshot.h"

using namespace proxyd::stats;

TEST_CASE("show info uses HAProxy's field names", "[proxyd][stats]") {
  const auto info = render_info(testing::sample_snapshot());
  CHECK(info.starts_with("Name: proxyd\nVersion: 1.2.3\nPid: 4242\n"));
  CHECK(info.find("Uptime: 0d 1h02m03s\nUptime_sec: 3723\n") != std::string::npos);
  CHECK(info.find("Nbthread: 2\nMaxconn: 20000\nCurrConns: 7\n") != std::string::npos);
  CHECK(info.find("Healthy: 1\nHealth: ok\n") != std::string::npos);
}

TEST_CASE("show servers state: one line per server, HAProxy's state numbers", "[proxyd][stats]") {
  const auto text = render_servers_state(testing::sample_snapshot(), "");
  CHECK(text.starts_with("1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state "));
  CHECK(text.find("\n1 app 1 web1 10.0.0.21 2 0 3 3 125 L4OK 4 80 - config\n") != std::string::npos);
  CHECK(text.find("\n1 app 2 web2 10.0.0.22 0 0 1 1 40 L4CON 1 80 - config\n") != std::string::npos);
  CHECK(text.find("\n1 app 3 sorry 10.0.0.30 2 8 1 1 0 - 0 80 - config\n") != std::string::npos);
  const auto none = render_servers_state(testing::sample_snapshot(), "other");
  CHECK(none.find("web1") == std::string::npos);
  // A server named by host without an address: resolution maintenance (0x20).
  auto snapshot = testing::sample_snapshot();
  auto& web1 = snapshot.backends[0].servers[0];
  web1.host = "web1.example.org";
  web1.address_source = "DNS";
  web1.resolved = false;
  CHECK(render_servers_state(snapshot, "")
            .find("\n1 app 1 web1 10.0.0.21 2 32 3 3 125 L4OK 4 80 web1.example.org DNS\n") != std::string::npos);
  CHECK(web1.status_text() == "MAINT (resolution)");
  CHECK_FALSE(web1.in_service());
}

TEST_CASE("show sess summarises sessions", "[proxyd][stats]") {
  const auto text = render_sessions(testing::sample_snapshot());
  CHECK(text.starts_with("sessions: 7 (worker 0: 4, worker 1: 3)\n"));
  CHECK(text.find("frontend www: 7 current, 1234 total\n") != std::string::npos);
  CHECK(text.find("backend app: 7 current, 1 queued\n") != std::string::npos);
  CHECK(text.find("  server app/sorry: 0 current (DRAIN, admin DRAIN)\n") != std::string::npos);
}
