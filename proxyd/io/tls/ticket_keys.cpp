#include "proxyd/io/tls/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

namespace proxyd::io {

TicketKeys::~TicketKeys() {
  for (auto& key : keys_) OPENSSL_cleanse(&key, sizeof key);
}

bool TicketKeys::rotate_locked(std::chrono::steady_clock::time_point now) {
  if (!keys_.empty() && now - rotated_ < kTicketKeyRotation) return true;
  Key key;
  if (RAND_bytes(key.name.data(), static_cast<int>(key.name.size())) != 1 ||
      RAND_bytes(key.aes.data(), static_cast<int>(key.aes.size())) != 1 ||
      RAND_bytes(key.hmac.data(), static_cast<int>(key.hmac.size())) != 1) {
    return !keys_.empty();  // keep the current key rather than fail
  }
  keys_.push_front(key);
  OPENSSL_cleanse(&key, sizeof key);
  while (keys_.size() > kTicketKeysKept) {
    OPENSSL_cleanse(&keys_.back(), sizeof(Key));
    keys_.pop_back();
  }
  rotated_ = now;
  return true;
}

void TicketKeys::rotate_if_due(std::chrono::steady_clock::time_point now) {
  const std::lock_guard lock(mutex_);
  rotate_locked(now);
}

int TicketKeys::use_key(const Key& key, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, bool encrypt) {
  char digest[] = "SHA256";
  auto hmac_key = key.hmac;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, hmac_key.data(), hmac_key.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  const bool mac_ok = EVP_MAC_CTX_set_params(mac, params) == 1;
  OPENSSL_cleanse(hmac_key.data(), hmac_key.size());
  if (!mac_ok) return -1;
  const int cipher_ok = encrypt ? EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv)
                                : EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv);
  return cipher_ok == 1 ? 1 : -1;
}

int TicketKeys::on_ticket(unsigned char* key_name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                          bool encrypt) {
  // Encrypting, 0 means "no ticket" and the handshake goes on: better than
  // failing it when randomness or a cipher is missing.
  const int failed = encrypt ? 0 : -1;
  Key key;
  bool current = true;
  {
    const std::lock_guard lock(mutex_);
    if (!rotate_locked(std::chrono::steady_clock::now())) return failed;
    if (encrypt) {
      key = keys_.front();
    } else {
      const auto found = std::find_if(keys_.begin(), keys_.end(), [&](const Key& k) {
        return std::memcmp(k.name.data(), key_name, k.name.size()) == 0;
      });
      if (found == keys_.end()) return 0;
      key = *found;
      current = found == keys_.begin();
    }
  }
  if (encrypt) {
    std::memcpy(key_name, key.name.data(), key.name.size());
    if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1) return failed;
  }
  const int used = use_key(key, iv, cipher, mac, encrypt);
  OPENSSL_cleanse(&key, sizeof key);
  if (used != 1) return failed;
  return encrypt || current ? 1 : 2;
}

}  // namespace proxyd::io
