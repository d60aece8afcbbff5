#include <catch2/catch.hpp>

#include "proxyd/core/config/proxy_config.h"

using namespace proxyd::config;
using namespace std::chrono_literals;
using common::config::Diagnostics;

namespace {

ProxyConfig load(const std::string& text, Diagnostics& d) {
  return load_proxy_config(common::config::parse_ini(text, "p.ini", d), d);
}

const char* kFrontend = "[frontend www]\nbind = 127.0.0.1:80\nbackend = app\n";

}  // namespace

TEST_CASE("servers by host name, with resolvers, init_addr and resolve options", "[config][dns]") {
  const auto s = parse_server(
      "web1 web.example.org:8080 resolvers=dns init_addr=last,libc,none,10.0.0.9 resolve_prefer=ipv4 "
      "resolve_net=10.0.0.0/8,192.168.0.0/16 weight=5");
  REQUIRE(s);
  CHECK(s->host == "web.example.org");
  CHECK(s->address.port == 8080);
  CHECK(s->resolvers == "dns");
  REQUIRE(s->init_addr.size() == 4);
  CHECK(s->init_addr[0].kind == InitAddr::Kind::Last);
  CHECK(s->init_addr[1].kind == InitAddr::Kind::Libc);
  CHECK(s->init_addr[2].kind == InitAddr::Kind::None);
  CHECK(s->init_addr[3].address == *common::net::IpAddress::parse("10.0.0.9"));
  CHECK(s->resolve.family == common::net::Family::V4);
  CHECK(s->resolve.networks.size() == 2);
  CHECK(s->weight == 5);
  // Defaults: libc only, IPv6 preferred (HAProxy's), a docker-compose name.
  const auto plain = parse_server("db db_primary:5432");
  REQUIRE(plain);
  CHECK(plain->host == "db_primary");
  CHECK(plain->init_addr == std::vector<InitAddr>{InitAddr{}});
  CHECK(plain->resolve.family == common::net::Family::V6);
  // An address needs no resolver: resolvers= is ignored, as HAProxy does.
  CHECK(parse_server("a 10.0.0.1:80 resolvers=dns")->resolvers.empty());
  CHECK(parse_server("a 10.0.0.1:80")->host.empty());
}

TEST_CASE("bad server names and DNS options say what is wrong", "[config][dns]") {
  const auto error = [](const char* line) { return parse_server(line).error().message; };
  CHECK(error("a web..example.org:80").find("not an address, nor a host name") != std::string::npos);
  CHECK(error("a web.example.org:0").find("the port must be 1 to 65535") != std::string::npos);
  CHECK(error("a web!example.org").find("expected ADDRESS[:PORT] or HOSTNAME[:PORT]") != std::string::npos);
  // No port: the port each client connected to (HAProxy's rule).
  CHECK(parse_server("a web.example.org")->address.port == 0);
  CHECK(error("a w:80 init_addr=last,dns").find("init_addr: 'dns' is not last, libc, none or an IP") !=
        std::string::npos);
  CHECK(error("a w:80 resolve_prefer=ipv5").find("resolve_prefer: expected ipv4 or ipv6") != std::string::npos);
  CHECK(error("a w:80 resolve_net=10.0.0.0/33").find("resolve_net: '10.0.0.0/33'") != std::string::npos);
}

TEST_CASE("[resolvers NAME]: name servers, holds and timeouts with HAProxy's defaults", "[config][dns]") {
  Diagnostics d;
  const auto c = load(std::string(kFrontend) +
                          "[resolvers dns]\nnameserver = ns1 127.0.0.1:5353\nnameserver = 10.0.0.53\n"
                          "hold_valid = 5s\nhold_nx = 1m\nresolve_retries = 2\naccepted_payload_size = 8192\n"
                          "[resolvers system]\nparse_resolv_conf = true\n"
                          "[backend app]\nserver = web web.example.org:80 resolvers=dns\n",
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto* r = c.find_resolvers("dns");
  REQUIRE(r != nullptr);
  REQUIRE(r->nameservers.size() == 2);
  CHECK(r->nameservers[0].id == "ns1");
  CHECK(r->nameservers[0].address == *common::net::Endpoint::parse("127.0.0.1:5353"));
  CHECK(r->nameservers[1].address == *common::net::Endpoint::parse("10.0.0.53:53"));
  CHECK(r->timings.hold_valid == 5s);
  CHECK(r->timings.hold_nx == 60s);
  CHECK(r->timings.hold_timeout == 30s);
  CHECK(r->timings.hold_obsolete == 0s);
  CHECK(r->timings.timeout_retry == 1s);
  CHECK(r->timings.resolve_retries == 2);
  CHECK(r->accepted_payload_size == 8192);
  CHECK(c.find_resolvers("system")->parse_resolv_conf);
}

TEST_CASE("resolvers errors carry their line", "[config][dns]") {
  Diagnostics d;
  load(std::string(kFrontend) +
           "[resolvers dns]\n"                           // 4
           "nameserver = ns1 dns.local\n"                // 5
           "accepted_payload_size = 100\n"               // 6
           "[resolvers empty]\n"                         // 7
           "[backend app]\n"                             // 8
           "server = web w.example:80 resolvers=dsn\n",  // 9
       d);
  const auto text = d.to_string();
  INFO(text);
  CHECK(text.find("p.ini:5: error: key 'nameserver': 'dns.local': expected an IP address") != std::string::npos);
  CHECK(text.find("p.ini:6: error: key 'accepted_payload_size'") != std::string::npos);
  CHECK(text.find("p.ini:7: error: [resolvers empty]: no nameserver") != std::string::npos);
  CHECK(text.find("p.ini:9: error: server 'web': no [resolvers dsn] section (did you mean 'dns'?)") !=
        std::string::npos);
}

TEST_CASE("server check options and default_server, the Patroni pattern", "[config][health]") {
  Diagnostics d;
  // HAProxy: option httpchk GET /master / http-check expect status 200 /
  // default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions /
  // server pg1 10.0.0.1:5432 maxconn 100 check port 8008
  const auto c = load(std::string(kFrontend) +
                          "[backend app]\ncheck = http GET /master\ncheck_expect = status 200\n"
                          "default_server = inter=3s fall=3 rise=2 on_marked_down=shutdown_sessions\n"
                          "server = pg1 10.0.0.1:5432 maxconn=100 check_port=8008\n"
                          "server = pg2 10.0.0.2:5432 check_port=8008 fastinter=500ms downinter=10s fall=5\n",
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& servers = c.backends.at(0).servers;
  CHECK(servers[0].check_port == std::optional<std::uint16_t>(8008));
  CHECK(servers[0].inter == std::optional<common::Duration>(3s));
  CHECK(servers[0].fall == std::optional<std::uint32_t>(3));
  CHECK(servers[0].rise == std::optional<std::uint32_t>(2));
  CHECK(servers[0].on_marked_down_shutdown);
  CHECK(servers[0].maxconn == 100);
  CHECK(servers[1].fall == std::optional<std::uint32_t>(5));  // its own line wins
  CHECK(servers[1].fastinter == std::optional<common::Duration>(500ms));
  CHECK(servers[1].downinter == std::optional<common::Duration>(10s));
  CHECK(c.backends.at(0).settings.check == CheckKind::Http);

  Diagnostics bad;
  load(std::string(kFrontend) + "[backend app]\ndefault_server = on_marked_down=kill\nserver = a 10.0.0.1:80 rise=0\n",
       bad);
  const auto text = bad.to_string();
  INFO(text);
  CHECK(text.find("p.ini:5: error: key 'default_server': on_marked_down: expected shutdown_sessions") !=
        std::string::npos);
  CHECK(text.find("p.ini:6: error: key 'server': server option rise: expected 1 to 1000") != std::string::npos);
}

TEST_CASE("connection keys: port ranges, tcpka, nbthread, timeout_check", "[config]") {
  Diagnostics d;
  const auto c = load(
      "[global]\nnbthread = 2\n[frontend www]\nbind = 127.0.0.1:8000-8003 accept_proxy\nbind = 127.0.0.1:9000\n"
      "backend = app\nclitcpka = true\n[backend app]\ntcpka = true\ncheck = tcp\ntimeout_check = 3s\n"
      "server = a 10.0.0.1:80\n",
      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  CHECK(c.global.threads == 2);
  const auto& binds = c.frontends.at(0).binds;
  REQUIRE(binds.size() == 5);
  CHECK(binds[0].address == *common::net::Endpoint::parse("127.0.0.1:8000"));
  CHECK(binds[3].address == *common::net::Endpoint::parse("127.0.0.1:8003"));
  CHECK(binds[3].accept_proxy);
  CHECK(binds[3].line == 4);
  CHECK(c.frontends.at(0).settings.client_tcp_keepalive);
  CHECK_FALSE(c.frontends.at(0).settings.server_tcp_keepalive);
  CHECK(c.backends.at(0).settings.server_tcp_keepalive);
  CHECK(c.backends.at(0).settings.check_timeout == std::optional<common::Duration>(3s));

  CHECK(parse_binds("127.0.0.1:9000-8000").error().message.find("a port range is FIRST-LAST") != std::string::npos);
  CHECK(parse_binds("127.0.0.1:1-2000").error().message.find("at most 1024 ports") != std::string::npos);
  CHECK(parse_binds("[2001:db8::1]:80-81")->size() == 2);
}

TEST_CASE("cpu_map: HAProxy's thread and CPU sets", "[config]") {
  Diagnostics d;
  const auto c = load("[global]\nthreads = 4\ncpu_map = 1/all 0-3\ncpu_map = auto:1/1-2 2 3\ncpu_map = 1/4 1\n" +
                          std::string(kFrontend) + "[backend app]\nserver = a 10.0.0.1:80\n",
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& maps = c.global.cpu_maps;
  REQUIRE(maps.size() == 3);
  using V = std::vector<std::uint32_t>;
  CHECK(cpus_for_thread(maps, 0) == V{2});  // auto: thread 1 -> first CPU of "2 3"
  CHECK(cpus_for_thread(maps, 1) == V{3});
  CHECK(cpus_for_thread(maps, 2) == V{0, 1, 2, 3});  // only 1/all applies
  CHECK(cpus_for_thread(maps, 3) == V{1});           // the last line that names it wins
  CHECK(cpus_for_thread({}, 0).empty());
  CHECK(parse_cpu_map("2/1 0").error().message.find("proxyd is one process") != std::string::npos);
  CHECK(parse_cpu_map("auto:1/1-4 0-1").error().message.find("auto: 4 threads but 2 CPUs") != std::string::npos);
  CHECK(parse_cpu_map("1/0 1").error().message.find("expected [auto:]1[/THREADS]") != std::string::npos);
  CHECK(parse_cpu_map("1 0").value().last_thread == 0);
}

TEST_CASE("server_template expands to numbered servers on one name", "[config][dns]") {
  Diagnostics d;
  const auto c = load(std::string(kFrontend) +
                          "[resolvers dns]\nnameserver = 127.0.0.1\n[backend app]\n"
                          "server_template = web 3 tasks.web:8080 resolvers=dns resolve_prefer=ipv4\n"
                          "server_template = api 5-6 api.svc:80 resolvers=dns init_addr=libc\n",
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& servers = c.backends.at(0).servers;
  REQUIRE(servers.size() == 5);
  CHECK(servers[0].name == "web1");
  CHECK(servers[2].name == "web3");
  CHECK(servers[2].host == "tasks.web");
  CHECK(servers[2].template_slot);
  CHECK(servers[2].init_addr == std::vector<InitAddr>{InitAddr{InitAddr::Kind::None, {}}});
  CHECK(servers[3].name == "api5");
  CHECK(servers[4].name == "api6");
  CHECK(servers[4].init_addr == std::vector<InitAddr>{InitAddr{}});  // given: libc
  CHECK(parse_server_template("web 3 10.0.0.1:80").error().message.find("needs a host name") != std::string::npos);
  CHECK(parse_server_template("web 0 w:80").error().message.find("expected a count or FIRST-LAST") !=
        std::string::npos);
  CHECK(parse_server_template("web 1-2000 w:80").error().message.find("at most 1024") != std::string::npos);
}
