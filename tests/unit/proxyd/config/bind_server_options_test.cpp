// Bind and server options: Unix sockets (`unix@PATH`, HAProxy's spellings), check_proto.
#include <catch2/catch.hpp>

#include "common/io/socket_address.h"
#include "proxyd/core/config/proxy_config.h"

using namespace proxyd::config;
using common::config::Diagnostics;

namespace {

ProxyConfig load(const std::string& text, Diagnostics& d) {
  return load_proxy_config(common::config::parse_ini(text, "p.ini", d), d);
}

}  // namespace

TEST_CASE("unix@PATH binds take mode, user and group, in our key=value words or HAProxy's two words") {
  auto bind = parse_bind("unix@/run/app.sock mode=660 user=nobody group=nogroup accept_proxy");
  REQUIRE(bind);
  CHECK(bind->address.is_unix());
  CHECK(bind->address.unix_path == "/run/app.sock");
  CHECK(bind->address.to_string() == "unix@/run/app.sock");
  CHECK(bind->unix_file.mode == 0660u);
  CHECK(bind->unix_file.user == "nobody");
  CHECK(bind->unix_file.group == "nogroup");
  CHECK(bind->accept_proxy);

  bind = parse_bind("/run/app.sock mode 600 uid 33 gid 33");
  REQUIRE(bind);
  CHECK(bind->address.unix_path == "/run/app.sock");
  CHECK(bind->unix_file.mode == 0600u);
  CHECK(bind->unix_file.user == "33");
  CHECK(bind->unix_file.group == "33");

  const auto binds = parse_binds("unix@/run/a-1:2.sock");  // '-' and ':' are no port range here
  REQUIRE(binds);
  CHECK(binds->size() == 1);
}

TEST_CASE("unix@ binds refuse relative or long paths, bad modes, and file options on IP binds") {
  CHECK(parse_bind("unix@run/app.sock").error().message.find("absolute path") != std::string::npos);
  CHECK(parse_bind("unix@/" + std::string(120, 'a')).error().message.find("at most 107 bytes") != std::string::npos);
  CHECK(!parse_bind("unix@/run/a.sock mode=698"));
  CHECK(!parse_bind("unix@/run/a.sock mode"));
  CHECK(!parse_bind("unix@/run/a.sock uid=root"));
  CHECK(parse_bind("127.0.0.1:80 mode=600").error().message.find("a unix@PATH bind takes") != std::string::npos);
}

TEST_CASE("servers on Unix sockets need no port, a check port or an agent needs an IP") {
  Diagnostics d;
  const auto c = load(
      "[listen www]\nbind = unix@/run/www.sock\n"
      "server = app unix@/run/app.sock\nserver = legacy /run/legacy.sock send_proxy=v1\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK(c.frontends[0].binds[0].address == common::net::Endpoint::from_unix_path("/run/www.sock"));
  CHECK(c.backends[0].servers[0].address.unix_path == "/run/app.sock");
  CHECK(c.backends[0].servers[1].address.is_unix());

  Diagnostics bad;
  load(
      "[listen www]\nbind = *:80\ncheck = tcp\nserver = app unix@/run/app.sock check_port=8008\n"
      "server = b unix@/run/b.sock check_port=8008 check_addr=127.0.0.1\n"
      "server = c unix@/run/c.sock agent_check agent_port=9000\n"
      "[listen other]\nbind = unix@/run/www.sock\nserver = d 127.0.0.1:80\n"
      "[listen twice]\nbind = unix@/run/www.sock\nserver = e 127.0.0.1:80\n",
      bad);
  const auto text = bad.to_string();
  CHECK(text.find("p.ini:4: error: server 'app': a unix@ server has no port") != std::string::npos);
  CHECK(text.find("server 'b'") == std::string::npos);
  CHECK(text.find("p.ini:6: error: server 'c': a unix@ server has no port") != std::string::npos);
  CHECK(text.find("p.ini:11: error: address unix@/run/www.sock is already bound by frontend 'other'") !=
        std::string::npos);
}

TEST_CASE("Unix endpoints become sockaddr_un and back, an unnamed peer has an empty path") {
  const auto sa = common::io::to_socket_address(common::net::Endpoint::from_unix_path("/run/x.sock"));
  CHECK(sa.family() == AF_UNIX);
  const auto back = common::io::to_endpoint(sa);
  REQUIRE(back);
  CHECK(back->unix_path == "/run/x.sock");
  common::io::SocketAddress unnamed;
  unnamed.storage.ss_family = AF_UNIX;
  unnamed.length = sizeof(sa_family_t);
  const auto peer = common::io::to_endpoint(unnamed);
  REQUIRE(peer);
  CHECK(peer->is_unix());
  CHECK(peer->unix_path.empty());
}

TEST_CASE("check_proto=h1 is HTTP checks' protocol, h2 is refused with the reason") {
  Diagnostics d;
  load(
      "[listen www]\nbind = *:80\ncheck = http\nserver = a 10.0.0.1:80 check_proto=h1\n"
      "server = b 10.0.0.2:80 check_proto=h2\n",
      d);
  CHECK(d.error_count() == 1);
  CHECK(d.to_string().find("p.ini:5: ") != std::string::npos);
  CHECK(d.to_string().find("check_proto=h2: HTTP/2 checks are not supported yet") != std::string::npos);
}
