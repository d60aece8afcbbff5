#include "proxyd/core/stats/csv_render.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "common/core/text.h"
#include "unit/proxyd/stats/sample_snapshot.h"

using namespace proxyd::stats;

namespace {

// Splits unquoted CSV (the sample has no field needing quotes).
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (const char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

// Rows keyed by "pxname/svname", each a column -> value map.
std::map<std::string, std::map<std::string, std::string>> table(const std::string& csv) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::vector<std::string> header;
  std::size_t start = 0;
  while (start < csv.size()) {
    const auto end = csv.find('\n', start);
    const auto line = csv.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("# ")) {
      header = fields(line.substr(2));
      continue;
    }
    const auto values = fields(line);
    REQUIRE(values.size() == header.size());
    auto& row = out[values[0] + "/" + values[1]];
    for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = values[i];
  }
  return out;
}

}  // namespace

TEST_CASE("CSV columns keep HAProxy's show stat order", "[proxyd][stats]") {
  const auto& columns = csv_columns();
  // Relative order of a few landmarks from HAProxy's list.
  auto at = [&](std::string_view name) { return std::find(columns.begin(), columns.end(), name) - columns.begin(); };
  CHECK(at("pxname") == 0);
  CHECK(at("svname") == 1);
  CHECK(at("qcur") == 2);
  CHECK(at("scur") < at("stot"));
  CHECK(at("bout") < at("ereq"));
  CHECK(at("wredis") < at("status"));
  CHECK(at("lastchg") < at("pid"));
  CHECK(at("type") < at("check_status"));
  CHECK(at("hrsp_other") < at("last_chk"));
  CHECK(at("check_health") < at("addr"));
  CHECK(at("mode") < at("algo"));
}

TEST_CASE("CSV has a FRONTEND row, server rows, then a BACKEND row", "[proxyd][stats]") {
  const auto csv = render_csv(testing::sample_snapshot());
  CHECK(csv.starts_with("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,"));
  const auto t = table(csv);
  REQUIRE(t.size() == 5);
  const auto& fe = t.at("www/FRONTEND");
  CHECK(fe.at("type") == "0");
  CHECK(fe.at("status") == "OPEN");
  CHECK(fe.at("stot") == "1234");
  CHECK(fe.at("slim") == "10000");
  CHECK(fe.at("ereq") == "2");
  CHECK(fe.at("econ").empty());
  const auto& web1 = t.at("app/web1");
  CHECK(web1.at("type") == "2");
  CHECK(web1.at("status") == "UP");
  CHECK(web1.at("weight") == "3");
  CHECK(web1.at("scur") == "7");
  CHECK(web1.at("smax") == "30");
  CHECK(web1.at("slim") == "5000");
  CHECK(web1.at("lastchg") == "125");
  CHECK(web1.at("check_status") == "L4OK");
  CHECK(web1.at("check_duration") == "1");
  CHECK(web1.at("check_health") == "4");
  CHECK(web1.at("addr") == "10.0.0.21:80");
  CHECK(web1.at("sid") == "1");
  const auto& web2 = t.at("app/web2");
  CHECK(web2.at("status") == "DOWN 1/2");
  CHECK(web2.at("last_chk") == "Connection refused");
  CHECK(web2.at("chkfail") == "9");
  CHECK(web2.at("chkdown") == "1");
  CHECK(web2.at("downtime") == "40");
  CHECK(web2.at("eresp") == "2");
  CHECK(web2.at("wredis") == "1");
  const auto& sorry = t.at("app/sorry");
  CHECK(sorry.at("status") == "DRAIN");
  CHECK(sorry.at("bck") == "1");
  CHECK(sorry.at("check_status").empty());
  const auto& be = t.at("app/BACKEND");
  CHECK(be.at("type") == "1");
  CHECK(be.at("status") == "UP");
  CHECK(be.at("stot") == "1234");
  CHECK(be.at("econ") == "6");
  CHECK(be.at("qcur") == "1");
  CHECK(be.at("qmax") == "5");
  CHECK(be.at("act") == "1");
  CHECK(be.at("algo") == "leastconn");
  // A [listen]-style frontend and backend of one name share the proxy id.
  CHECK(fe.at("iid") == "1");
  CHECK(be.at("iid") == "2");
}

TEST_CASE("CSV fields with commas or quotes are quoted (RFC 4180)", "[proxyd][stats]") {
  CHECK(csv_escape("plain") == "plain");
  CHECK(csv_escape("a,b") == "\"a,b\"");
  CHECK(csv_escape("say \"hi\"") == "\"say \"\"hi\"\"\"");
  auto snap = testing::sample_snapshot();
  snap.backends[0].servers[1].check.last->info = "refused, twice";
  CHECK(render_csv(snap).find(",\"refused, twice\",") != std::string::npos);
}
