// OpenSSL 3 contexts. TlsServerContext terminates TLS for a `bind ... ssl`:
// certificates from a PEM file (certificate, chain, key) or a directory of
// them, chosen by SNI (exact name, then wildcard, else the first loaded),
// ALPN, minimum version, cipher lists, and session tickets whose keys rotate
// and are shared by every worker thread. TlsClientContext re-encrypts to a
// server (`server ... ssl verify=required ca_file=... sni=host`).
// A context is immutable once loaded and shared across threads; a reload
// loads new ones (certificates re-read on SIGHUP).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/io/tls/tls_stream.h"

namespace proxyd::io {

class TlsServerContext : public std::enable_shared_from_this<TlsServerContext> {
 public:
  // Loads <settings> (errors name the file and what OpenSSL said). Each
  // crt entry is a PEM file (certificate, chain, private key, in any order
  // after the certificate) or a directory whose *.pem files load in name
  // order; the first certificate loaded is the default.
  static common::Result<std::shared_ptr<TlsServerContext>> load(const config::BindTls& settings);
  ~TlsServerContext();

  // A server-side TLS stream over <fd> (not owned); handshake() runs it.
  // The stream keeps this context alive. Nullptr only when OpenSSL cannot
  // allocate.
  std::unique_ptr<TlsStream> accept(int fd) const;

  // Names of the loaded certificates (subject CN and DNS SANs), in load order.
  std::vector<std::string> certificate_names() const;

 private:
  struct Impl;
  explicit TlsServerContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class TlsClientContext : public std::enable_shared_from_this<TlsClientContext> {
 public:
  // verify: the chain against ca_file (else the system store) and, when
  // sni is set, the name (SSL_set1_host); an IP literal in sni is checked
  // against the certificate's IP SANs and not sent as SNI (RFC 6066 3).
  // Without sni only the chain is verified.
  static common::Result<std::shared_ptr<TlsClientContext>> load(const config::ServerTls& settings);
  ~TlsClientContext();

  // A client-side TLS stream over <fd> (not owned), sending the configured
  // SNI and ALPN and verifying the server as configured. Nullptr only when
  // OpenSSL cannot allocate.
  std::unique_ptr<TlsStream> connect(int fd) const;

 private:
  struct Impl;
  explicit TlsClientContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace proxyd::io
