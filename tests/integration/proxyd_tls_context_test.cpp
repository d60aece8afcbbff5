// TLS contexts and streams end to end, in process: certificates made by the
// openssl CLI at test time, a client and a server stream over a
// non-blocking socketpair, driven by turns until both are done.
#include <openssl/evp.h>
#include <sys/socket.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/io/unique_fd.h"
#include "proxyd/io/tls/ticket_keys.h"
#include "proxyd/io/tls/tls_context.h"
#include "support/daemon_runner.h"

using namespace proxyd::io;
using proxyd::config::BindTls;
using proxyd::config::ServerTls;
using Status = StreamResult::Status;

namespace {

constexpr int kMaxTurns = 1000;

void run(const std::string& command) {
  INFO(command);
  REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Certificates for every test, made once: two self-signed ones in a
// directory (a.example.org, *.b.example.org with its key first), and a CA
// with a leaf for backend.example.org.
struct Pki {
  testing::TempDir dir;
  std::string certs;    // directory: 10-a.pem, 20-b.pem
  std::string a_pem;    // certificate + key
  std::string ca;       // CA certificate
  std::string backend;  // leaf + CA chain + key
  std::string no_key;   // certificate only

  Pki() {
    const auto self_signed = [&](const std::string& name, const std::string& cn) {
      run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -keyout " +
          dir.file(name + ".key") + " -out " + dir.file(name + ".crt") + " -subj '/CN=" + cn +
          "' -addext subjectAltName=DNS:" + cn);
    };
    self_signed("a", "a.example.org");
    self_signed("b", "*.b.example.org");
    run("mkdir " + dir.file("certs"));
    certs = dir.file("certs");
    a_pem = dir.write("certs/10-a.pem", read_file(dir.file("a.crt")) + read_file(dir.file("a.key")));
    dir.write("certs/20-b.pem", read_file(dir.file("b.key")) + read_file(dir.file("b.crt")));
    dir.write("certs/notes.txt", "not a certificate");
    no_key = dir.write("no_key.pem", read_file(dir.file("a.crt")));

    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -keyout " +
        dir.file("ca.key") + " -out " + dir.file("ca.pem") +
        " -subj '/CN=proxyd test CA' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
    ca = dir.file("ca.pem");
    run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + dir.file("leaf.key") +
        " -out " + dir.file("leaf.csr") + " -subj /CN=backend.example.org");
    const auto ext = dir.write("ext.cnf", "subjectAltName=DNS:backend.example.org\nbasicConstraints=CA:FALSE\n");
    run("openssl x509 -req -days 2 -in " + dir.file("leaf.csr") + " -CA " + ca + " -CAkey " + dir.file("ca.key") +
        " -CAcreateserial -extfile " + ext + " -out " + dir.file("leaf.crt"));
    backend =
        dir.write("backend.pem", read_file(dir.file("leaf.crt")) + read_file(ca) + read_file(dir.file("leaf.key")));
  }
};

const Pki& pki() {
  static const Pki instance;
  return instance;
}

struct SocketPair {
  common::io::UniqueFd client;
  common::io::UniqueFd server;
  SocketPair() {
    std::array<int, 2> fds{};
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds.data()) == 0);
    client.reset(fds[0]);
    server.reset(fds[1]);
  }
};

// Both handshakes by turns: true when both are done, false when one fails.
bool handshake(Stream& client, Stream& server) {
  for (int turn = 0; turn < kMaxTurns; ++turn) {
    const auto c = client.handshake();
    const auto s = server.handshake();
    if (c.status == Status::Failed || s.status == Status::Failed) return false;
    if (c.status == Status::Ok && s.status == Status::Ok) return true;
  }
  FAIL("handshake did not finish");
  return false;
}

// Sends <bytes> from <from> and reads them at <to>, by turns.
std::string transfer(Stream& from, Stream& to, std::string_view bytes) {
  std::string received;
  std::array<char, 4096> buffer{};
  std::size_t sent = 0;
  for (int turn = 0; turn < kMaxTurns && received.size() < bytes.size(); ++turn) {
    if (sent < bytes.size()) {
      const auto w = from.write(bytes.substr(sent));
      REQUIRE(w.status != Status::Failed);
      if (w.status == Status::Ok) sent += w.bytes;
    }
    const auto r = to.read(buffer);
    REQUIRE((r.status == Status::Ok || r.status == Status::WantRead || r.status == Status::WantWrite));
    if (r.status == Status::Ok) received.append(buffer.data(), r.bytes);
  }
  return received;
}

struct Connection {
  SocketPair sockets;
  std::unique_ptr<TlsStream> client;
  std::unique_ptr<TlsStream> server;
  bool established = false;

  Connection(const TlsClientContext& client_context, const TlsServerContext& server_context,
             const std::string& session = "") {
    client = client_context.connect(sockets.client.get());
    server = server_context.accept(sockets.server.get());
    REQUIRE(client);
    REQUIRE(server);
    if (!session.empty()) REQUIRE(client->set_session(session));
    established = handshake(*client, *server);
  }
};

BindTls bind_tls(std::vector<std::string> crt, std::vector<std::string> alpn = {}) {
  BindTls settings;
  settings.crt = std::move(crt);
  settings.alpn = std::move(alpn);
  return settings;
}

ServerTls server_tls(std::string sni, bool verify = false, std::string ca_file = "",
                     std::vector<std::string> alpn = {}) {
  ServerTls settings;
  settings.sni = std::move(sni);
  settings.verify = verify;
  settings.ca_file = std::move(ca_file);
  settings.alpn = std::move(alpn);
  return settings;
}

std::shared_ptr<TlsServerContext> server_context(const BindTls& settings) {
  auto context = TlsServerContext::load(settings);
  INFO((context ? "" : context.error().message));
  REQUIRE(context);
  return *context;
}

std::shared_ptr<TlsClientContext> client_context(const ServerTls& settings) {
  auto context = TlsClientContext::load(settings);
  INFO((context ? "" : context.error().message));
  REQUIRE(context);
  return *context;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("tls: a directory of certificates loads in name order, *.pem only", "[tls]") {
  const auto server = server_context(bind_tls({pki().certs}));
  CHECK(server->certificate_names() == Names{"a.example.org", "*.b.example.org"});
}

TEST_CASE("tls: the certificate is chosen by SNI: exact, wildcard, else the first", "[tls]") {
  const auto server = server_context(bind_tls({pki().certs}));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a.example.org", "a.example.org"}, {"x.b.example.org", "*.b.example.org"},
      {"b.example.org", "a.example.org"}, {"y.x.b.example.org", "a.example.org"},
      {"unknown.org", "a.example.org"},   {"", "a.example.org"},
  };
  for (const auto& [sni, expected] : cases) {
    INFO("sni '" << sni << "'");
    Connection connection(*client_context(server_tls(sni)), *server);
    REQUIRE(connection.established);
    CHECK(connection.client->peer_certificate_names() == Names{expected});
    CHECK(connection.server->server_name() == sni);
    CHECK(connection.server->is_tls());
    CHECK(connection.client->protocol_version() == "TLSv1.3");
  }
}

TEST_CASE("tls: ALPN picks our first protocol the client offers, none in common is no ALPN", "[tls]") {
  const auto server = server_context(bind_tls({pki().certs}, {"h2", "http/1.1"}));
  Connection http11(*client_context(server_tls("a.example.org", false, "", {"http/1.1"})), *server);
  REQUIRE(http11.established);
  CHECK(http11.server->alpn() == "http/1.1");
  CHECK(http11.client->alpn() == "http/1.1");
  Connection both(*client_context(server_tls("a.example.org", false, "", {"http/1.1", "h2"})), *server);
  REQUIRE(both.established);
  CHECK(both.server->alpn() == "h2");
  Connection other(*client_context(server_tls("a.example.org", false, "", {"spdy/3"})), *server);
  REQUIRE(other.established);
  CHECK(other.server->alpn().empty());
  CHECK(other.client->alpn().empty());
}

TEST_CASE("tls: data both ways, buffered input, close_notify reads as Closed", "[tls]") {
  const auto server = server_context(bind_tls({pki().certs}));
  Connection connection(*client_context(server_tls("a.example.org")), *server);
  REQUIRE(connection.established);
  CHECK(transfer(*connection.client, *connection.server, "GET / HTTP/1.1\r\n\r\n") == "GET / HTTP/1.1\r\n\r\n");
  const std::string big(100000, 'x');
  CHECK(transfer(*connection.server, *connection.client, big) == big);

  // One record of 100 bytes read 10 at a time: the rest waits inside.
  REQUIRE(transfer(*connection.server, *connection.client, std::string(10, 'y')).size() == 10);
  REQUIRE(connection.server->write(std::string(100, 'z')).bytes == 100);
  std::array<char, 10> small{};
  REQUIRE(connection.client->read(small).status == Status::Ok);
  CHECK(connection.client->has_buffered_input());

  connection.client->shutdown_write();
  std::array<char, 16> buffer{};
  CHECK(connection.server->read(buffer).status == Status::Closed);
}

TEST_CASE("tls: verify=required checks the chain and the name", "[tls]") {
  const auto backend = server_context(bind_tls({pki().backend}));
  SECTION("known CA and matching name") {
    Connection connection(*client_context(server_tls("backend.example.org", true, pki().ca)), *backend);
    CHECK(connection.established);
    CHECK(connection.client->last_error().empty());
  }
  SECTION("unknown CA") {
    const auto self_signed = server_context(bind_tls({pki().certs}));
    Connection connection(*client_context(server_tls("a.example.org", true, pki().ca)), *self_signed);
    CHECK_FALSE(connection.established);
    CHECK_THAT(connection.client->last_error(), Catch::Contains("certificate verify failed"));
  }
  SECTION("another name") {
    Connection connection(*client_context(server_tls("other.example.org", true, pki().ca)), *backend);
    CHECK_FALSE(connection.established);
    CHECK_THAT(connection.client->last_error(), Catch::Contains("hostname mismatch"));
  }
  SECTION("verify=none accepts anything") {
    Connection connection(*client_context(server_tls("other.example.org", false)), *backend);
    CHECK(connection.established);
  }
}

TEST_CASE("tls: a session ticket resumes, only with the context that issued it", "[tls]") {
  const auto server = server_context(bind_tls({pki().certs}));
  const auto client = client_context(server_tls("x.b.example.org"));
  std::string session;
  {
    Connection first(*client, *server);
    REQUIRE(first.established);
    CHECK_FALSE(first.client->session_reused());
    // TLS 1.3 tickets follow the handshake: a read on the client takes them.
    REQUIRE(transfer(*first.server, *first.client, "hello") == "hello");
    session = first.client->session();
    REQUIRE_FALSE(session.empty());
  }
  Connection second(*client, *server, session);
  REQUIRE(second.established);
  CHECK(second.client->session_reused());
  CHECK(second.client->peer_certificate_names() == Names{"*.b.example.org"});  // kept in the session
  CHECK(transfer(*second.client, *second.server, "again") == "again");

  const auto other_keys = server_context(bind_tls({pki().certs}));
  Connection elsewhere(*client, *other_keys, session);
  REQUIRE(elsewhere.established);
  CHECK_FALSE(elsewhere.client->session_reused());
}

TEST_CASE("tls: ticket keys rotate; the previous two still decrypt and renew", "[tls]") {
  TicketKeys keys;
  const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> cipher(EVP_CIPHER_CTX_new(),
                                                                               EVP_CIPHER_CTX_free);
  const std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> hmac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), EVP_MAC_free);
  const std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> mac(EVP_MAC_CTX_new(hmac.get()), EVP_MAC_CTX_free);
  std::array<unsigned char, 16> name{};
  std::array<unsigned char, EVP_MAX_IV_LENGTH> iv{};
  REQUIRE(keys.on_ticket(name.data(), iv.data(), cipher.get(), mac.get(), true) == 1);
  CHECK(keys.on_ticket(name.data(), iv.data(), cipher.get(), mac.get(), false) == 1);
  const auto now = std::chrono::steady_clock::now();
  keys.rotate_if_due(now + kTicketKeyRotation);
  CHECK(keys.on_ticket(name.data(), iv.data(), cipher.get(), mac.get(), false) == 2);
  keys.rotate_if_due(now + 2 * kTicketKeyRotation);
  CHECK(keys.on_ticket(name.data(), iv.data(), cipher.get(), mac.get(), false) == 2);
  keys.rotate_if_due(now + 3 * kTicketKeyRotation);
  CHECK(keys.on_ticket(name.data(), iv.data(), cipher.get(), mac.get(), false) == 0);
}

TEST_CASE("tls: load errors name the file and the reason", "[tls]") {
  const auto error_of = [](const BindTls& settings) {
    const auto loaded = TlsServerContext::load(settings);
    REQUIRE_FALSE(loaded);
    return loaded.error().message;
  };
  const auto missing = pki().dir.file("missing.pem");
  CHECK_THAT(error_of(bind_tls({missing})), Catch::Contains(missing) && Catch::Contains("no such file"));
  CHECK_THAT(error_of(bind_tls({pki().no_key})), Catch::Contains(pki().no_key) && Catch::Contains("private key"));
  CHECK_THAT(error_of(bind_tls({pki().dir.file("ext.cnf")})),
             Catch::Contains("ext.cnf") && Catch::Contains("certificate"));
  CHECK_THAT(error_of(bind_tls({pki().dir.file("ca.key")})), Catch::Contains("ca.key"));
  testing::TempDir empty;
  CHECK_THAT(error_of(bind_tls({empty.path()})), Catch::Contains(empty.path()) && Catch::Contains("no *.pem"));
  CHECK_THAT(error_of(bind_tls({})), Catch::Contains("no certificate"));

  auto bad_version = bind_tls({pki().a_pem});
  bad_version.min_version = "SSLv3";
  CHECK_THAT(error_of(bad_version), Catch::Contains("SSLv3"));
  auto bad_ciphers = bind_tls({pki().a_pem});
  bad_ciphers.ciphers = "NOPE";
  CHECK_THAT(error_of(bad_ciphers), Catch::Contains("ciphers 'NOPE'"));
  auto bad_suites = bind_tls({pki().a_pem});
  bad_suites.ciphersuites = "TLS_NOPE";
  CHECK_THAT(error_of(bad_suites), Catch::Contains("ciphersuites 'TLS_NOPE'"));

  const auto bad_ca = TlsClientContext::load(server_tls("x", true, missing));
  REQUIRE_FALSE(bad_ca);
  CHECK_THAT(bad_ca.error().message, Catch::Contains(missing));
}

TEST_CASE("tls: min_version TLSv1.3 is applied", "[tls]") {
  auto settings = bind_tls({pki().a_pem});
  settings.min_version = "TLSv1.3";
  const auto server = server_context(settings);
  Connection connection(*client_context(server_tls("a.example.org")), *server);
  CHECK(connection.established);
  CHECK(connection.server->protocol_version() == "TLSv1.3");
}

TEST_CASE("tls: plain stream reads, writes, FIN is Closed", "[tls]") {
  SocketPair sockets;
  auto client = make_plain_stream(sockets.client.get());
  auto server = make_plain_stream(sockets.server.get());
  CHECK(client->handshake().status == Status::Ok);
  CHECK_FALSE(client->is_tls());
  std::array<char, 16> buffer{};
  CHECK(server->read(buffer).status == Status::WantRead);
  CHECK(transfer(*client, *server, "ping") == "ping");
  client->shutdown_write();
  CHECK(server->read(buffer).status == Status::Closed);
}
