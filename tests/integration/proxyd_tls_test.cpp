// proxyd with TLS: termination with SNI-chosen certificates and ALPN,
// re-encryption to servers, SNI passthrough in TCP mode, and certificates
// re-read on SIGHUP. Certificates are made by the openssl CLI at test time.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;
using testing::HttpBackend;
using testing::HttpClient;

namespace {

// Runs <command> through the shell; its output (stdout and stderr).
std::string run(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(("(" + command + ") 2>&1").c_str(), "r")) {
    char buf[4096];
    while (const auto n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    ::pclose(pipe);
  }
  return out;
}

// A CA, and PEM files (certificate then key) it signed, one per name.
struct Certificates {
  explicit Certificates(const testing::TempDir& dir) : dir_(dir) {
    run(
        fmt::format("mkdir -p {0}/certs && cd {0} && "
                    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                    "-subj /CN=test-ca -keyout ca.key -out ca.pem",
                    dir.path()));
  }
  // Issues a certificate for <name> into certs/<file>.pem.
  void issue(const std::string& name, const std::string& file) const {
    const auto out = run(
        fmt::format("cd {0} && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN={1}' "
                    "-keyout {2}.key -out {2}.csr && "
                    "printf 'subjectAltName=DNS:{1}\\n' > {2}.ext && "
                    "openssl x509 -req -in {2}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile {2}.ext "
                    "-out {2}.crt && cat {2}.crt {2}.key > certs/{2}.pem",
                    dir_.path(), name, file));
    INFO(out);
    REQUIRE(std::ifstream(dir_.file("certs/" + file + ".pem")).good());
  }
  std::string ca() const { return dir_.file("ca.pem"); }
  std::string dir() const { return dir_.file("certs"); }

 private:
  const testing::TempDir& dir_;
};

struct TlsProxy {
  testing::TempDir dir;
  Certificates certs{dir};
  std::uint16_t tls_port = testing::free_port();
  std::uint16_t plain_port = testing::free_port();
  std::uint16_t pass_port = testing::free_port();
  std::uint16_t tls2_port = testing::free_port();
  std::unique_ptr<testing::DaemonRunner> daemon;

  void start(const std::string& body) {
    const auto config =
        dir.write("proxyd.ini",
                  fmt::format("[global]\nlog = stderr\npidfile = {}\n\n[defaults]\nmode = http\ntimeout_connect = 1s\n"
                              "timeout_client = 5s\ntimeout_server = 5s\n{}",
                              dir.file("proxyd.pid"),
                              fmt::format(fmt::runtime(body), fmt::arg("tls", tls_port), fmt::arg("plain", plain_port),
                                          fmt::arg("pass", pass_port), fmt::arg("tls2", tls2_port),
                                          fmt::arg("certs", certs.dir()), fmt::arg("ca", certs.ca()))));
    daemon = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", config}, dir.file("proxyd.log"));
    const bool started = daemon->wait_for_log("started", 10s);
    INFO(daemon->log());
    REQUIRE(started);
  }
};

}  // namespace

TEST_CASE("tls: termination picks the certificate by SNI, negotiates ALPN, re-encrypts, passes through by SNI",
          "[proxyd][tls]") {
  HttpBackend a("a"), b("b");
  TlsProxy p;
  p.certs.issue("a.example.org", "a");
  p.certs.issue("*.b.example.org", "b");
  p.start(
      "[frontend tls]\nbind = 127.0.0.1:{tls} ssl crt={certs} alpn=http/1.1\nbackend = app_a\n"
      "[frontend tls2]\nbind = 127.0.0.1:{tls2} ssl crt={certs}\nbackend = app_b\n"
      "[frontend plain]\nbind = 127.0.0.1:{plain}\nbackend = reencrypt\n"
      "[frontend pass]\nmode = tcp\nbind = 127.0.0.1:{pass}\nuse_backend = pass_a if sni a.example.org\n"
      "backend = pass_other\n"
      "[backend app_a]\n" +
      fmt::format("server = a {}\n", a.endpoint()) + "[backend app_b]\n" +
      fmt::format("server = b {}\n", b.endpoint()) +
      "[backend reencrypt]\nserver = t 127.0.0.1:{tls} ssl verify=required ca_file={ca} sni=a.example.org\n"
      "[backend pass_a]\nmode = tcp\nserver = ta 127.0.0.1:{tls}\n"
      "[backend pass_other]\nmode = tcp\nserver = tb 127.0.0.1:{tls2}\n");

  {  // two certificates, chosen by SNI (the client verifies the name)
    HttpClient client({.resolve = {fmt::format("a.example.org:{}:127.0.0.1", p.tls_port),
                                   fmt::format("www.b.example.org:{}:127.0.0.1", p.tls_port)},
                       .ca_file = p.certs.ca()});
    const auto ra = client.get(fmt::format("https://a.example.org:{}/", p.tls_port));
    INFO(ra.error);
    CHECK(ra.status == 200);
    CHECK(ra.body == "a\n");
    const auto rb = client.get(fmt::format("https://www.b.example.org:{}/", p.tls_port));
    INFO(rb.error);
    CHECK(rb.status == 200);
    // The server saw the request as HTTPS.
    REQUIRE(a.request_count() >= 1);
    CHECK(a.requests()[0].header("X-Forwarded-Proto") == "https");
  }
  {  // ALPN: http/1.1 chosen from the client's offer; no SNI gets the first certificate
    const auto out = run(fmt::format(
        "openssl s_client -connect 127.0.0.1:{} -servername a.example.org -alpn h2,http/1.1 </dev/null", p.tls_port));
    CHECK(out.find("ALPN protocol: http/1.1") != std::string::npos);
    const auto out2 = run(fmt::format(
        "openssl s_client -connect 127.0.0.1:{} -servername a.example.org -alpn http/1.1 </dev/null", p.tls2_port));
    CHECK(out2.find("ALPN protocol: http/1.1") != std::string::npos);
    const auto no_sni = run(fmt::format("openssl s_client -connect 127.0.0.1:{} -noservername </dev/null", p.tls_port));
    CHECK(no_sni.find("CN = a.example.org") != std::string::npos);
  }
  {  // re-encryption: a plain frontend reaches a TLS server, verified against the CA
    HttpClient client;
    const auto r = client.get(fmt::format("http://127.0.0.1:{}/", p.plain_port));
    INFO(r.error);
    CHECK(r.status == 200);
    CHECK(r.body == "a\n");
  }
  {  // passthrough: TCP mode routes the untouched TLS stream by SNI
    HttpClient client({.resolve = {fmt::format("a.example.org:{}:127.0.0.1", p.pass_port),
                                   fmt::format("www.b.example.org:{}:127.0.0.1", p.pass_port)},
                       .ca_file = p.certs.ca()});
    const auto ra = client.get(fmt::format("https://a.example.org:{}/", p.pass_port));
    INFO(ra.error);
    CHECK(ra.body == "a\n");
    HttpClient other(
        {.resolve = {fmt::format("www.b.example.org:{}:127.0.0.1", p.pass_port)}, .ca_file = p.certs.ca()});
    const auto rb = other.get(fmt::format("https://www.b.example.org:{}/", p.pass_port));
    INFO(rb.error);
    CHECK(rb.body == "b\n");
  }
}

TEST_CASE("tls: a failed verification is a 503, and new certificates are read on SIGHUP", "[proxyd][tls]") {
  HttpBackend a("a");
  TlsProxy p;
  p.certs.issue("a.example.org", "a");
  p.start(
      "[frontend tls]\nbind = 127.0.0.1:{tls} ssl crt={certs}\nbackend = app\n"
      "[frontend plain]\nbind = 127.0.0.1:{plain}\nbackend = wrong_name\n"
      "[backend app]\n" +
      fmt::format("server = a {}\n", a.endpoint()) +
      "[backend wrong_name]\nserver = t 127.0.0.1:{tls} ssl verify=required ca_file={ca} sni=other.example.org\n");
  HttpClient plain;
  CHECK(plain.get(fmt::format("http://127.0.0.1:{}/", p.plain_port)).status == 503);

  HttpClient client({.resolve = {fmt::format("c.example.org:{}:127.0.0.1", p.tls_port)}, .ca_file = p.certs.ca()});
  CHECK(!client.get(fmt::format("https://c.example.org:{}/", p.tls_port)).ok());  // no certificate for c yet
  p.certs.issue("c.example.org", "c");
  p.daemon->signal(SIGHUP);
  REQUIRE(p.daemon->wait_for_log("reload", 5s));
  const bool served = testing::eventually(
      [&] {
        HttpClient fresh({.resolve = {fmt::format("c.example.org:{}:127.0.0.1", p.tls_port)}, .ca_file = p.certs.ca()});
        return fresh.get(fmt::format("https://c.example.org:{}/", p.tls_port)).status == 200;
      },
      5s);
  CHECK(served);
}

TEST_CASE("tls: an HTTP check of an ssl server runs over TLS", "[proxyd][tls]") {
  HttpBackend a("a"), b("b");
  TlsProxy p;
  p.certs.issue("a.example.org", "a");
  p.start(
      "[frontend tls]\nbind = 127.0.0.1:{tls} ssl crt={certs}\nbackend = app\n"
      "[frontend plain]\nbind = 127.0.0.1:{plain}\nbackend = checked\n"
      "[backend app]\n" +
      fmt::format("server = a {}\n", a.endpoint()) +
      "[backend checked]\ncheck = http GET /health HTTP/1.1 Host=a.example.org\ncheck_interval = 100ms\n"
      "rise = 1\nfall = 1\nserver = t 127.0.0.1:{tls} ssl verify=required ca_file={ca} sni=a.example.org\n");
  // The check reaches the HTTP server behind the TLS frontend.
  REQUIRE(testing::eventually([&] { return a.request_count() >= 2; }, 5s));
  CHECK(a.requests()[0].request_line() == "GET /health HTTP/1.1");
  CHECK(a.requests()[0].header("X-Forwarded-Proto") == "https");
  a.set_health_status(503);
  CHECK(p.daemon->wait_for_log("checked/t is DOWN, reason: Layer7 wrong status, code: 503", 5s));
}

TEST_CASE("tls: check_ssl checks a TCP backend over HTTPS (kubeadm's API servers)", "[proxyd][tls][health]") {
  // HAProxy: mode tcp, option httpchk GET /health, server api1 ADDR check
  // check-ssl verify required ca-file ... check-sni ...: the traffic passes
  // through as TLS, the check speaks HTTPS.
  HttpBackend a("a");
  TlsProxy p;
  p.certs.issue("a.example.org", "a");
  p.start(
      "[frontend tls]\nbind = 127.0.0.1:{tls} ssl crt={certs}\nbackend = app\n"
      "[listen api]\nmode = tcp\nbind = 127.0.0.1:{pass}\ncheck = http GET /health HTTP/1.1 Host=a.example.org\n"
      "check_interval = 100ms\nrise = 1\nfall = 1\n"
      "server = t 127.0.0.1:{tls} check_ssl verify=required ca_file={ca} check_sni=a.example.org\n"
      "[backend app]\n" +
      fmt::format("server = a {}\n", a.endpoint()));
  REQUIRE(testing::eventually([&] { return a.request_count() >= 2; }, 5s));
  CHECK(a.requests()[0].request_line() == "GET /health HTTP/1.1");
  CHECK(a.requests()[0].header("X-Forwarded-Proto") == "https");
  // The client's TLS passes through the mode tcp listener untouched.
  const auto through =
      run(fmt::format("printf 'GET / HTTP/1.1\\r\\nHost: a.example.org\\r\\nConnection: close\\r\\n\\r\\n' | "
                      "openssl s_client -quiet -connect 127.0.0.1:{} -servername a.example.org -CAfile {}",
                      p.pass_port, p.certs.ca()));
  INFO(through);
  CHECK(through.find("X-Served-By: a") != std::string::npos);
  a.set_health_status(503);
  CHECK(p.daemon->wait_for_log("api/t is DOWN, reason: Layer7 wrong status, code: 503", 5s));
}
