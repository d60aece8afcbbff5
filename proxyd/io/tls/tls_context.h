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
#include "proxyd/io/tls/stream.h"

namespace proxyd::io {

class TlsServerContext {
 public:
  // Loads <settings> (errors name the file and what OpenSSL said).
  static common::Result<std::shared_ptr<TlsServerContext>> load(const config::BindTls& settings);
  ~TlsServerContext();

  // A server-side TLS stream over <fd> (not owned); handshake() runs it.
  std::unique_ptr<Stream> accept(int fd) const;

  // Names of the loaded certificates (subject CN and DNS SANs), in load order.
  std::vector<std::string> certificate_names() const;

 private:
  struct Impl;
  explicit TlsServerContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class TlsClientContext {
 public:
  static common::Result<std::shared_ptr<TlsClientContext>> load(const config::ServerTls& settings);
  ~TlsClientContext();

  // A client-side TLS stream over <fd> (not owned), sending the configured
  // SNI and verifying the server as configured.
  std::unique_ptr<Stream> connect(int fd) const;

 private:
  struct Impl;
  explicit TlsClientContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace proxyd::io
