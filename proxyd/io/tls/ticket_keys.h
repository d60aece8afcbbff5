// Session-ticket keys of one TLS server context (RFC 5077 4, RFC 8446 4.6.1):
// random keys (RAND_bytes) that rotate every kTicketKeyRotation; the current
// one encrypts new tickets and the kTicketKeysKept newest ones (current and
// previous) still decrypt, so a ticket stays valid between 2 and 3 rotation
// periods. Shared by every thread serving the context (a mutex guards it).
// Tickets encrypted with an older key than the current are renewed.
#pragma once

#include <openssl/types.h>

#include <array>
#include <chrono>
#include <deque>
#include <mutex>

namespace proxyd::io {

inline constexpr std::chrono::seconds kTicketKeyRotation{3600};
inline constexpr std::size_t kTicketKeysKept = 3;

class TicketKeys {
 public:
  TicketKeys() = default;
  ~TicketKeys();
  TicketKeys(const TicketKeys&) = delete;
  TicketKeys& operator=(const TicketKeys&) = delete;

  // The body of OpenSSL's ticket key callback
  // (SSL_CTX_set_tlsext_ticket_key_evp_cb): AES-256-CBC and HMAC-SHA256.
  // Encrypting: 1, or 0 (no ticket this time) on failure. Decrypting: 1, 2 (valid, but renew the
  // ticket), 0 (unknown key: full handshake) or -1.
  int on_ticket(unsigned char* key_name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, bool encrypt);

  // Moves the clock of the rotation (tests): rotates as if <now> had come.
  void rotate_if_due(std::chrono::steady_clock::time_point now);

 private:
  struct Key {
    std::array<unsigned char, 16> name{};
    std::array<unsigned char, 32> aes{};
    std::array<unsigned char, 32> hmac{};
  };
  // Both under mutex_.
  bool rotate_locked(std::chrono::steady_clock::time_point now);
  static int use_key(const Key& key, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, bool encrypt);

  std::mutex mutex_;
  std::deque<Key> keys_;  // newest first
  std::chrono::steady_clock::time_point rotated_{};
};

}  // namespace proxyd::io
