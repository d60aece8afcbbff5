// One SSL_CTX per certificate: the first is the default, with which every
// connection starts, and the servername callback switches a connection to
// the context of the certificate its SNI names (SSL_set_SSL_CTX). All the
// contexts of a TlsServerContext point (app data) to one ServerShared: the
// name index, the ALPN preferences and the session-ticket keys, so a ticket
// resumes whichever certificate served the first connection.
#include "proxyd/io/tls/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "common/core/text.h"
#include "proxyd/io/tls/ticket_keys.h"
#include "proxyd/io/tls/x509_names.h"

namespace proxyd::io {
namespace {

struct CtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;

constexpr long kModes = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS;
constexpr std::string_view kSessionIdContext = "proxyd";

struct Certificate {
  CtxPtr ctx;
  std::string file;
  std::vector<std::string> names;
};

// What the OpenSSL callbacks of a server context read.
struct ServerShared {
  std::vector<Certificate> certificates;              // load order; [0] is the default
  std::unordered_map<std::string, SSL_CTX*> by_name;  // "a.example.org", "*.b.example.org"
  std::vector<std::string> alpn;                      // preferred first
  TicketKeys ticket_keys;

  // Exact name, then a wildcard standing for exactly the first label.
  SSL_CTX* find(const std::string& name) const {
    if (const auto it = by_name.find(name); it != by_name.end()) return it->second;
    const auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0) return nullptr;
    const auto it = by_name.find("*" + name.substr(dot));
    return it != by_name.end() ? it->second : nullptr;
  }
};

// Encrypted keys are not supported: never let OpenSSL prompt on a terminal.
int no_password(char*, int, int, void*) {
  return 0;
}

common::Result<int> parse_min_version(const std::string& text) {
  if (common::text::iequals(text, "TLSv1.2")) return TLS1_2_VERSION;
  if (common::text::iequals(text, "TLSv1.3")) return TLS1_3_VERSION;
  return common::fail("ssl_min_version '{}': expected TLSv1.2 or TLSv1.3", text);
}

// ALPN protocol list in wire format (RFC 7301 3.1).
common::Result<std::string> alpn_wire(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const auto& protocol : protocols) {
    if (protocol.empty() || protocol.size() > 255) return common::fail("alpn '{}': invalid protocol name", protocol);
    wire += static_cast<char>(protocol.size());
    wire += protocol;
  }
  return wire;
}

int servername_callback(SSL* ssl, int*, void* arg) {
  const auto* shared = static_cast<const ServerShared*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr) return SSL_TLSEXT_ERR_NOACK;
  SSL_CTX* chosen = shared->find(common::text::to_lower(name));
  if (chosen != nullptr && chosen != SSL_get_SSL_CTX(ssl)) SSL_set_SSL_CTX(ssl, chosen);
  return SSL_TLSEXT_ERR_OK;  // an unknown name gets the default certificate
}

// Our first protocol that the client offers; none in common: no ALPN.
int alpn_select_callback(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                         unsigned int in_length, void* arg) {
  const auto* shared = static_cast<const ServerShared*>(arg);
  for (const auto& ours : shared->alpn) {
    for (unsigned int at = 0; at < in_length;) {
      const unsigned int length = in[at];
      if (length == 0 || at + 1 + length > in_length) break;
      if (length == ours.size() && std::equal(ours.begin(), ours.end(), in + at + 1)) {
        *out = in + at + 1;
        *out_length = static_cast<unsigned char>(length);
        return SSL_TLSEXT_ERR_OK;
      }
      at += 1 + length;
    }
  }
  return SSL_TLSEXT_ERR_NOACK;
}

int ticket_key_callback(SSL* ssl, unsigned char* key_name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                        int encrypt) {
  auto* shared = static_cast<ServerShared*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (shared == nullptr) return -1;
  return shared->ticket_keys.on_ticket(key_name, iv, cipher, mac, encrypt != 0);
}

// Settings every context of one `bind ... ssl` shares.
common::Status configure_server(SSL_CTX* ctx, const config::BindTls& settings, ServerShared& shared) {
  const auto min_version = parse_min_version(settings.min_version);
  if (!min_version) return tl::unexpected(min_version.error());
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, *min_version) != 1) {
    return common::fail("ssl_min_version '{}': {}", settings.min_version, take_openssl_error());
  }
  if (!settings.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, settings.ciphers.c_str()) != 1) {
    return common::fail("ciphers '{}': {}", settings.ciphers, take_openssl_error());
  }
  if (!settings.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, settings.ciphersuites.c_str()) != 1) {
    return common::fail("ciphersuites '{}': {}", settings.ciphersuites, take_openssl_error());
  }
  // Clients often close without close_notify; requests are framed anyway.
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx, kModes);
  // One read(2) per batch of records instead of two per record (header,
  // then body); has_buffered_input() accounts for what is read ahead.
  SSL_CTX_set_read_ahead(ctx, 1);
  // Tickets only: no per-session state kept on the server.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char*>(kSessionIdContext.data()),
                                 static_cast<unsigned int>(kSessionIdContext.size()));
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_key_callback);
  // no_tls_tickets (HAProxy's no-tls-tickets): no resumption at all, as
  // the session cache is off too; every connection does a full handshake.
  if (!settings.tickets) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_tlsext_servername_callback(ctx, servername_callback);
  SSL_CTX_set_tlsext_servername_arg(ctx, &shared);
  if (!shared.alpn.empty()) SSL_CTX_set_alpn_select_cb(ctx, alpn_select_callback, &shared);
  SSL_CTX_set_default_passwd_cb(ctx, no_password);
  SSL_CTX_set_app_data(ctx, &shared);
  return common::ok();
}

// A context serving the certificate, chain and key of the PEM file <path>.
common::Result<Certificate> load_certificate(const std::string& path, const config::BindTls& settings,
                                             ServerShared& shared) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return common::fail("{}: SSL_CTX_new: {}", path, take_openssl_error());
  if (auto configured = configure_server(ctx.get(), settings, shared); !configured) {
    return tl::unexpected(configured.error());
  }
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), path.c_str()) != 1) {
    return common::fail("{}: cannot load the certificate: {}", path, take_openssl_error());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return common::fail("{}: cannot load the private key (none in the file, or encrypted): {}", path,
                        take_openssl_error());
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return common::fail("{}: the private key does not match the certificate: {}", path, take_openssl_error());
  }
  auto names = certificate_names(SSL_CTX_get0_certificate(ctx.get()));
  return Certificate{std::move(ctx), path, std::move(names)};
}

// The PEM files named by the crt entries: files as given, directories
// expanded to their *.pem files sorted by name.
common::Result<std::vector<std::string>> certificate_files(const std::vector<std::string>& entries) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& entry : entries) {
    std::error_code error;
    const auto status = fs::status(entry, error);
    if (error || !fs::exists(status)) return common::fail("{}: no such file or directory", entry);
    if (!fs::is_directory(status)) {
      files.push_back(entry);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& item : fs::directory_iterator(entry, error)) {
      if (item.path().extension() == ".pem" && item.is_regular_file(error)) found.push_back(item.path().string());
    }
    if (error) return common::fail("{}: cannot list the directory: {}", entry, error.message());
    if (found.empty()) return common::fail("{}: no *.pem file in the directory", entry);
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  if (files.empty()) return common::fail("ssl: no certificate (crt=)");
  return files;
}

}  // namespace

// ---------------------------------------------------------------- server

struct TlsServerContext::Impl {
  ServerShared shared;
};

TlsServerContext::TlsServerContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServerContext::~TlsServerContext() = default;

common::Result<std::shared_ptr<TlsServerContext>> TlsServerContext::load(const config::BindTls& settings) {
  auto impl = std::make_unique<Impl>();
  ServerShared& shared = impl->shared;
  shared.alpn = settings.alpn;
  if (auto wire = alpn_wire(settings.alpn); !wire) return tl::unexpected(wire.error());
  const auto files = certificate_files(settings.crt);
  if (!files) return tl::unexpected(files.error());
  for (const auto& file : *files) {
    auto certificate = load_certificate(file, settings, shared);
    if (!certificate) return tl::unexpected(certificate.error());
    for (const auto& name : certificate->names) shared.by_name.emplace(name, certificate->ctx.get());
    shared.certificates.push_back(std::move(*certificate));
  }
  return std::shared_ptr<TlsServerContext>(new TlsServerContext(std::move(impl)));
}

std::unique_ptr<TlsStream> TlsServerContext::accept(int fd) const {
  SslPtr ssl(SSL_new(impl_->shared.certificates.front().ctx.get()));
  if (!ssl) {
    ERR_clear_error();
    return nullptr;
  }
  return std::make_unique<TlsStream>(fd, std::move(ssl), TlsStream::Role::Server, shared_from_this());
}

std::vector<std::string> TlsServerContext::certificate_names() const {
  std::vector<std::string> names;
  for (const auto& certificate : impl_->shared.certificates) {
    names.insert(names.end(), certificate.names.begin(), certificate.names.end());
  }
  return names;
}

// ---------------------------------------------------------------- client

struct TlsClientContext::Impl {
  CtxPtr ctx;
  std::string sni;
  bool sni_is_ip = false;
  bool verify = true;
};

TlsClientContext::TlsClientContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClientContext::~TlsClientContext() = default;

namespace {

bool is_ip_literal(const std::string& text) {
  unsigned char address[16];
  return inet_pton(AF_INET, text.c_str(), address) == 1 || inet_pton(AF_INET6, text.c_str(), address) == 1;
}

common::Status configure_client(SSL_CTX* ctx, const config::ServerTls& settings) {
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, kModes);
  // One read(2) per batch of records instead of two per record (header,
  // then body); has_buffered_input() accounts for what is read ahead.
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_default_passwd_cb(ctx, no_password);
  if (!settings.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, settings.ciphers.c_str()) != 1) {
    return common::fail("ciphers '{}': {}", settings.ciphers, take_openssl_error());
  }
  if (!settings.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, settings.ciphersuites.c_str()) != 1) {
    return common::fail("ciphersuites '{}': {}", settings.ciphersuites, take_openssl_error());
  }
  if (settings.verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!settings.ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(ctx, settings.ca_file.c_str(), nullptr) != 1) {
        return common::fail("{}: cannot load CA certificates: {}", settings.ca_file, take_openssl_error());
      }
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return common::fail("cannot load the system CA store: {}", take_openssl_error());
    }
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (!settings.alpn.empty()) {
    const auto wire = alpn_wire(settings.alpn);
    if (!wire) return tl::unexpected(wire.error());
    // Returns 0 on success, unlike its neighbours.
    if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire->data()),
                                static_cast<unsigned int>(wire->size())) != 0) {
      return common::fail("alpn: {}", take_openssl_error());
    }
  }
  return common::ok();
}

}  // namespace

common::Result<std::shared_ptr<TlsClientContext>> TlsClientContext::load(const config::ServerTls& settings) {
  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(SSL_CTX_new(TLS_client_method()));
  if (!impl->ctx) return common::fail("SSL_CTX_new: {}", take_openssl_error());
  if (auto configured = configure_client(impl->ctx.get(), settings); !configured) {
    return tl::unexpected(configured.error());
  }
  impl->sni = common::text::to_lower(settings.sni);
  impl->sni_is_ip = is_ip_literal(impl->sni);
  impl->verify = settings.verify;
  return std::shared_ptr<TlsClientContext>(new TlsClientContext(std::move(impl)));
}

std::unique_ptr<TlsStream> TlsClientContext::connect(int fd) const {
  SslPtr ssl(SSL_new(impl_->ctx.get()));
  bool ok = static_cast<bool>(ssl);
  if (ok && !impl_->sni.empty()) {
    if (impl_->sni_is_ip) {
      ok = !impl_->verify || X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), impl_->sni.c_str()) == 1;
    } else {
      ok = SSL_set_tlsext_host_name(ssl.get(), impl_->sni.c_str()) == 1;
      if (ok && impl_->verify) {
        SSL_set_hostflags(ssl.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = SSL_set1_host(ssl.get(), impl_->sni.c_str()) == 1;
      }
    }
  }
  if (!ok) {
    ERR_clear_error();
    return nullptr;
  }
  return std::make_unique<TlsStream>(fd, std::move(ssl), TlsStream::Role::Client, shared_from_this());
}

}  // namespace proxyd::io
