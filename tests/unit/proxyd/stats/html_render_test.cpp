#include "proxyd/core/stats/html_render.h"

#include <catch2/catch.hpp>
#include <regex>

#include "unit/proxyd/stats/sample_snapshot.h"

using namespace proxyd::stats;
using namespace std::chrono_literals;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

// The text of the cell of <cls> in the row of server <name>.
std::string cell(const std::string& html, const std::string& name, const std::string& cls) {
  const auto row_start = html.find("data-server=\"" + name + "\"");
  REQUIRE(row_start != std::string::npos);
  const auto row = html.substr(row_start, html.find("</tr>", row_start) - row_start);
  std::smatch m;
  REQUIRE(std::regex_search(row, m, std::regex("<td class=\"" + cls + "\"[^>]*>([^<]*)</td>")));
  return m[1];
}

}  // namespace

TEST_CASE("the page is a complete, self-contained HTML document", "[proxyd][stats]") {
  const auto html = render_html(testing::sample_snapshot(), {});
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("<title>proxyd statistics</title>") != std::string::npos);
  CHECK(html.find("name=\"viewport\"") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.ends_with("</html>\n"));
  CHECK(count(html, "<table") == count(html, "</table>"));
  CHECK(count(html, "<tr") == count(html, "</tr>"));
  CHECK(html.find("http-equiv=\"refresh\"") == std::string::npos);
}

TEST_CASE("one table per frontend and backend, one row per server, a totals row", "[proxyd][stats]") {
  const auto html = render_html(testing::sample_snapshot(), {});
  CHECK(count(html, "<table class=\"proxy frontend\" id=\"frontend-www\">") == 1);
  CHECK(count(html, "<table class=\"proxy backend\" id=\"backend-app\">") == 1);
  CHECK(count(html, "<tr class=\"server ") == 3);
  CHECK(cell(html, "web1", "status") == "UP");
  CHECK(cell(html, "web2", "status") == "DOWN 1/2");
  CHECK(cell(html, "sorry", "status") == "DRAIN");
  CHECK(cell(html, "sorry", "name") == "sorry (backup)");
  CHECK(html.find("<tr class=\"server down\" data-backend=\"app\" data-server=\"web2\">") != std::string::npos);
  CHECK(html.find("title=\"Layer4 connection problem: Connection refused\">L4CON in 0ms</td>") != std::string::npos);
  CHECK(html.find("<tfoot><tr class=\"backend up\" data-proxy=\"app\">") != std::string::npos);
  CHECK(html.find("<dt>pid</dt><dd>4242</dd>") != std::string::npos);
  CHECK(html.find("<dt>uptime</dt><dd>1h02m</dd>") != std::string::npos);
  CHECK(html.find("<dt>current conns</dt><dd>7</dd>") != std::string::npos);
}

TEST_CASE("admin forms appear only with admin, carry the token, and post to the page", "[proxyd][stats]") {
  const auto plain = render_html(testing::sample_snapshot(), {});
  CHECK(plain.find("<form") == std::string::npos);
  HtmlOptions options;
  options.admin = true;
  options.csrf_token = "t0k3n";
  options.uri = "/admin-stats";
  const auto html = render_html(testing::sample_snapshot(), options);
  CHECK(count(html, "<form class=\"act\" method=\"post\" action=\"/admin-stats\">") == 3);
  CHECK(count(html, "name=\"token\" value=\"t0k3n\"") == 3);
  CHECK(html.find("name=\"s\" value=\"web1\"") != std::string::npos);
  // The current state's button is disabled.
  CHECK(html.find("<button name=\"action\" value=\"drain\" disabled>drain</button>") != std::string::npos);
}

TEST_CASE("refresh returns to the bare page; the notice is shown escaped", "[proxyd][stats]") {
  HtmlOptions options;
  options.refresh = 10s;
  options.notice = "<b>Done.</b>";
  const auto html = render_html(testing::sample_snapshot(), options);
  CHECK(html.find("<meta http-equiv=\"refresh\" content=\"10; url=/stats\">") != std::string::npos);
  CHECK(html.find("<p class=\"notice\">&lt;b&gt;Done.&lt;/b&gt;</p>") != std::string::npos);
}

TEST_CASE("names from the configuration are escaped everywhere", "[proxyd][stats]") {
  auto snap = testing::sample_snapshot();
  snap.backends[0].servers[0].name = "<img src=x>";
  snap.frontends[0].name = "a\"b";
  HtmlOptions options;
  options.admin = true;
  const auto html = render_html(snap, options);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;img src=x&gt;") != std::string::npos);
  CHECK(html.find("data-proxy=\"a&quot;b\"") != std::string::npos);
  CHECK(html_escape("&'") == "&amp;&#39;");
}

TEST_CASE("stats options: the version hidden, the node named, the legends shown", "[proxyd][stats]") {
  const auto plain = render_html(testing::sample_snapshot(), {});
  CHECK(plain.find("1.2.3") != std::string::npos);
  CHECK(plain.find("Legends") == std::string::npos);
  HtmlOptions options;
  options.hide_version = true;
  options.node = "lb<1>";
  options.show_legends = true;
  const auto html = render_html(testing::sample_snapshot(), options);
  CHECK(html.find("1.2.3") == std::string::npos);
  CHECK(html.find("<h1>proxyd statistics on lb&lt;1&gt;</h1>") != std::string::npos);
  CHECK(html.find("<h2>Legends</h2>") != std::string::npos);
}
