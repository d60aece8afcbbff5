#include "proxyd/core/stats/prometheus_render.h"

#include <catch2/catch.hpp>

#include "unit/proxyd/stats/prometheus_text.h"
#include "unit/proxyd/stats/sample_snapshot.h"

using namespace proxyd::stats;

TEST_CASE("the exposition parses and follows Prometheus conventions", "[proxyd][stats]") {
  const auto text = render_prometheus(testing::sample_snapshot());
  const auto e = prometheus_text::parse(text);
  INFO(text);
  for (const auto& error : e.errors) FAIL_CHECK(error);
  CHECK(e.types.at("proxyd_server_check_duration_seconds") == "histogram");
  CHECK(e.types.at("proxyd_frontend_sessions_total") == "counter");
  CHECK(e.types.at("proxyd_server_status") == "gauge");
  for (const auto& [family, type] : e.types) CHECK(family.starts_with("proxyd_"));
}

TEST_CASE("values come from the snapshot, by label", "[proxyd][stats]") {
  const auto e = prometheus_text::parse(render_prometheus(testing::sample_snapshot()));
  CHECK(e.value("proxyd_build_info", {{"version", "1.2.3"}}) == 1);
  CHECK(e.value("proxyd_process_start_time_seconds") == 1'700'000'000);
  CHECK(e.value("proxyd_process_current_connections") == 7);
  CHECK(e.value("proxyd_process_healthy") == 1);
  CHECK(e.value("proxyd_frontend_sessions_total", {{"proxy", "www"}}) == 1234);
  CHECK(e.value("proxyd_frontend_status", {{"proxy", "www"}, {"state", "OPEN"}}) == 1);
  CHECK(e.value("proxyd_frontend_status", {{"proxy", "www"}, {"state", "STOP"}}) == 0);
  CHECK(e.value("proxyd_backend_connection_errors_total", {{"proxy", "app"}}) == 6);
  CHECK(e.value("proxyd_backend_current_queue", {{"proxy", "app"}}) == 1);
  CHECK(e.value("proxyd_backend_status", {{"proxy", "app"}, {"state", "UP"}}) == 1);
  CHECK(e.value("proxyd_server_bytes_out_total", {{"proxy", "app"}, {"server", "web1"}}) == 800000);
  CHECK(e.value("proxyd_server_http_responses_total", {{"proxy", "app"}, {"server", "web1"}, {"code", "5xx"}}) == 0);
  CHECK(e.value("proxyd_server_last_status_change_seconds", {{"proxy", "app"}, {"server", "web1"}}) == 125);
}

TEST_CASE("server status is one series per state, 1 for the current one", "[proxyd][stats]") {
  const auto e = prometheus_text::parse(render_prometheus(testing::sample_snapshot()));
  auto state = [&](const char* server, const char* s) {
    return e.value("proxyd_server_status", {{"proxy", "app"}, {"server", server}, {"state", s}});
  };
  CHECK(state("web1", "UP") == 1);
  CHECK(state("web1", "DOWN") == 0);
  CHECK(state("web2", "DOWN") == 1);
  CHECK(state("sorry", "DRAIN") == 1);
  CHECK(state("sorry", "UP") == 0);
  CHECK(state("sorry", "MAINT") == 0);
}

TEST_CASE("check durations form a histogram in seconds, for checked servers only", "[proxyd][stats]") {
  const auto e = prometheus_text::parse(render_prometheus(testing::sample_snapshot()));
  const prometheus_text::Labels web1{{"proxy", "app"}, {"server", "web1"}};
  auto bucket = [&](const char* le) {
    auto labels = web1;
    labels["le"] = le;
    return e.value("proxyd_server_check_duration_seconds_bucket", labels);
  };
  CHECK(bucket("0.001") == 1);
  CHECK(bucket("0.005") == 2);
  CHECK(bucket("+Inf") == 2);
  CHECK(e.value("proxyd_server_check_duration_seconds_count", web1) == 2);
  CHECK(e.value("proxyd_server_check_duration_seconds_sum", web1) == Approx(0.004));
  CHECK_FALSE(e.value("proxyd_server_check_duration_seconds_count", {{"proxy", "app"}, {"server", "sorry"}}));
}

TEST_CASE("label values are escaped", "[proxyd][stats]") {
  CHECK(prometheus_label_escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  auto snap = testing::sample_snapshot();
  snap.frontends[0].name = "we\"ird\\";
  const auto e = prometheus_text::parse(render_prometheus(snap));
  for (const auto& error : e.errors) FAIL_CHECK(error);
  CHECK(e.value("proxyd_frontend_sessions_total", {{"proxy", "we\"ird\\"}}) == 1234);
}

TEST_CASE("the test parser itself rejects broken expositions", "[proxyd][stats]") {
  CHECK_FALSE(prometheus_text::parse("x 1\n").errors.empty());                                // no TYPE
  CHECK_FALSE(prometheus_text::parse("# HELP c h\n# TYPE c counter\nc 1\n").errors.empty());  // no _total
  CHECK_FALSE(prometheus_text::parse("# HELP g h\n# TYPE g gauge\ng{a=\"1\"} x\n").errors.empty());
  CHECK_FALSE(prometheus_text::parse("# HELP g h\n# TYPE g gauge\ng 1\ng 2\n").errors.empty());
  CHECK(prometheus_text::parse("# HELP g h\n# TYPE g gauge\ng{a=\"1\"} 1\ng{a=\"2\"} 2\n").errors.empty());
}
