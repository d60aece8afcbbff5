// HAProxy's ready-made checks (check_presets.h) against real servers where
// Debian has them (PostgreSQL, beside HAProxy 2.6 on the same server: the
// same verdicts), and against faithful responders of our own where it does
// not here (MySQL's handshake, an LDAP bind, a TLS stack's alert).
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/proxyd_runner.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;

namespace {

const std::string kPgBin = "/usr/lib/postgresql/15/bin";

// A MySQL server's handshake, as far as a health check goes: the v10
// greeting, the client's login packet, then OK for <user> or ERR 1045.
class MysqlResponder {
 public:
  explicit MysqlResponder(std::string user) : user_(std::move(user)), listening_(testing::listen_on("127.0.0.1:0")) {
    thread_ = std::thread([this] { serve(); });
  }
  ~MysqlResponder() {
    stop_ = true;
    thread_.join();
  }
  std::string endpoint() const { return fmt::format("127.0.0.1:{}", listening_.port); }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listening_.fd.get(), POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      common::io::UniqueFd c(::accept(listening_.fd.get(), nullptr, nullptr));
      const std::string greeting(
          "\x0f\0\0\0\x0a"
          "8.0.36-x\0\x01\0\0\0",
          19);
      ::send(c.get(), greeting.data(), greeting.size(), MSG_NOSIGNAL);
      char buf[512];
      pollfd q{c.get(), POLLIN, 0};
      if (::poll(&q, 1, 1000) <= 0) continue;
      const auto n = ::recv(c.get(), buf, sizeof buf, 0);
      if (n < 4 + 32 + 1) continue;
      const std::string login(buf, static_cast<std::size_t>(n));
      const auto user = std::string(login.c_str() + 36);  // after the 4.1 fixed fields
      const std::string ok("\x07\0\0\x02\0\0\0\x02\0\0\0", 11);
      const std::string denied("\x09\0\0\x02\xff\x15\x04#28000", 13);
      const auto& reply = user == user_ ? ok : denied;
      ::send(c.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
    }
  }

  std::string user_;
  testing::Listening listening_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("pgsql-check against a real PostgreSQL, beside HAProxy: the same verdicts", "[proxyd][health]") {
  if (!std::filesystem::exists(kPgBin + "/initdb") || std::system("command -v haproxy >/dev/null 2>&1") != 0) {
    WARN("PostgreSQL 15 or haproxy not installed (scripts/install-deps.sh installs them): skipped");
    return;
  }
  testing::TempDir pg_dir;
  REQUIRE(std::system(fmt::format("chown postgres {}", pg_dir.path()).c_str()) == 0);
  const auto as_postgres = fmt::format("setpriv --reuid postgres --regid postgres --init-groups ");
  REQUIRE(std::system(fmt::format("{} {}/initdb -D {}/data -A trust -U postgres >{}/initdb.log 2>&1", as_postgres,
                                  kPgBin, pg_dir.path(), pg_dir.path())
                          .c_str()) == 0);
  // pg_hba.conf refuses every role but postgres over TCP: a check as
  // another role gets an 'E' at once. (With trust or password
  // authentication PostgreSQL answers 'R' first even for a missing role, so
  // the check, HAProxy's as ours, only proves the server is up.)
  {
    std::ofstream hba(pg_dir.file("data/pg_hba.conf"));
    hba << "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 reject\n";
  }
  const auto pg_port = testing::free_port();
  testing::DaemonRunner pg(
      {"setpriv", "--reuid", "postgres", "--regid", "postgres", "--init-groups", kPgBin + "/postgres", "-D",
       pg_dir.file("data"), "-p", std::to_string(pg_port), "-k", pg_dir.path(), "-c", "listen_addresses=127.0.0.1"},
      pg_dir.file("postgres.log"));
  REQUIRE(pg.wait_for_log("ready to accept connections", 20s));
  const auto server = fmt::format("127.0.0.1:{}", pg_port);

  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen known]\nbind = 127.0.0.1:{{port}}\ncheck = pgsql-check user postgres\n"
                  "check_interval = 200ms\nrise = 1\nfall = 1\nserver = db {0}\n"
                  "[listen unknown]\nbind = 127.0.0.1:{1}\ncheck = pgsql-check user nobody_here\n"
                  "check_interval = 200ms\nrise = 1\nfall = 1\nserver = db {0}\n",
                  server, testing::free_port()));
  testing::TempDir h;
  const auto cfg =
      h.write("haproxy.cfg", fmt::format("global\n  log stderr format raw local0\ndefaults\n  mode tcp\n  log global\n"
                                         "  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n"
                                         "listen known\n  bind 127.0.0.1:{1}\n  option pgsql-check user postgres\n"
                                         "  server db {0} check inter 200ms rise 1 fall 1\n"
                                         "listen unknown\n  bind 127.0.0.1:{2}\n  option pgsql-check user nobody_here\n"
                                         "  server db {0} check inter 200ms rise 1 fall 1\n",
                                         server, testing::free_port(), testing::free_port()));
  testing::DaemonRunner haproxy({"haproxy", "-db", "-f", cfg}, h.file("haproxy.log"));
  const bool ours_down = p.wait_for_log("Server unknown/db is DOWN", 5s);
  const bool theirs_down = haproxy.wait_for_log("Server unknown/db is DOWN", 5s);
  std::this_thread::sleep_for(600ms);  // three more rounds of checks
  INFO(p.log() << "\n--- haproxy:\n" << haproxy.log() << "\n--- postgres:\n" << pg.log());
  CHECK(ours_down);
  CHECK(theirs_down);
  CHECK(p.log().find("Server known/db is DOWN") == std::string::npos);
  CHECK(haproxy.log().find("Server known/db is DOWN") == std::string::npos);
}

TEST_CASE("mysql-check, ldap-check and ssl-hello-chk take servers DOWN and keep them UP as they answer",
          "[proxyd][health]") {
  MysqlResponder mysql("haproxy");
  // A TcpBackend greets with its name (and a newline): here, the protocols'
  // answers (an LDAP bind success, a TLS alert) or a wrong one.
  testing::TcpBackend ldap(std::string("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00", 14));
  testing::TcpBackend tls(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));
  testing::TcpBackend wrong("SSH-2.0-OpenSSH_9.2");
  testing::ProxydRunner p;
  const auto keys = "check_interval = 200ms\nrise = 1\nfall = 1\n";
  p.start(
      fmt::format("[listen mysql]\nbind = 127.0.0.1:{{port}}\ncheck = mysql-check user haproxy\n{0}"
                  "server = good {1}\nserver = wrong {4}\n"
                  "[listen mysql_user]\nbind = 127.0.0.1:{5}\ncheck = mysql-check user root\n{0}"
                  "server = denied {1}\n"
                  "[listen ldap]\nbind = 127.0.0.1:{6}\ncheck = ldap-check\n{0}server = good {2}\nserver = wrong {4}\n"
                  "[listen tls]\nbind = 127.0.0.1:{7}\ncheck = ssl-hello-chk\n{0}server = good {3}\n"
                  "server = wrong {4}\n",
                  keys, mysql.endpoint(), ldap.endpoint(), tls.endpoint(), wrong.endpoint(), testing::free_port(),
                  testing::free_port(), testing::free_port()));
  for (const auto* section : {"mysql", "ldap", "tls"}) {
    CHECK(p.wait_for_log(fmt::format("Server {}/wrong is DOWN", section), 5s));
  }
  CHECK(p.wait_for_log("Server mysql_user/denied is DOWN", 5s));
  std::this_thread::sleep_for(600ms);
  INFO(p.log());
  for (const auto* section : {"mysql", "ldap", "tls"}) {
    CHECK(p.log().find(fmt::format("Server {}/good is DOWN", section)) == std::string::npos);
  }
}

TEST_CASE("tcp-check: a connect in mid-script checks a second port in the same check", "[proxyd][health]") {
  testing::TcpBackend service("alpha");
  auto admin = std::make_unique<testing::TcpBackend>("beta");
  const auto admin_address = admin->endpoint();
  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ncheck = tcp-check\ncheck_interval = 150ms\n"
                  "rise = 1\nfall = 1\ntcp_check = expect string alpha\ntcp_check = connect port {}\n"
                  "tcp_check = expect string beta\nserver = s {}\n",
                  admin->port(), service.endpoint()));
  std::this_thread::sleep_for(500ms);
  CHECK(p.log().find("Server www/s is DOWN") == std::string::npos);
  admin.reset();  // the admin port closes: the second connection fails
  CHECK(p.wait_for_log("Server www/s is DOWN, reason: Layer4 connection problem", 5s));
  admin = std::make_unique<testing::TcpBackend>("beta", admin_address);
  CHECK(p.wait_for_log("Server www/s is UP", 5s));
}

TEST_CASE("tcp-check: connect ssl speaks TLS to the server (openssl s_server); a plain server fails the handshake",
          "[proxyd][health]") {
  testing::TempDir tls_dir;
  REQUIRE(std::system(fmt::format("cd {} && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
                                  "-nodes -days 2 -subj /CN=tls.test -keyout k.pem -out c.pem >/dev/null 2>&1",
                                  tls_dir.path())
                          .c_str()) == 0);
  const auto tls_port = testing::free_port();
  // -rev: each line sent comes back reversed, over TLS.
  testing::DaemonRunner server({"openssl", "s_server", "-accept", fmt::format("127.0.0.1:{}", tls_port), "-cert",
                                tls_dir.file("c.pem"), "-key", tls_dir.file("k.pem"), "-rev", "-quiet"},
                               tls_dir.file("s_server.log"));
  REQUIRE(testing::eventually(
      [&] { return testing::TcpClient::connect(fmt::format("127.0.0.1:{}", tls_port)).has_value(); }, 5s));
  testing::TcpBackend plain("plain");
  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ncheck = tcp-check\ncheck_interval = 200ms\n"
                  "rise = 1\nfall = 1\ntcp_check = connect ssl\ntcp_check = send olleh\\n\n"
                  "tcp_check = expect string hello\nserver = tls 127.0.0.1:{} check_ssl verify=none\n"
                  "server = plain {} check_ssl verify=none\n",
                  tls_port, plain.endpoint()));
  CHECK(
      p.wait_for_log("Server www/plain is DOWN, reason: Layer6 invalid response, info: \"SSL handshake failure\"", 5s));
  std::this_thread::sleep_for(600ms);
  INFO(p.log() << server.log());
  CHECK(p.log().find("Server www/tls is DOWN") == std::string::npos);
}
