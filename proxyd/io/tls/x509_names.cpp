#include "proxyd/io/tls/x509_names.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <memory>

#include "common/core/text.h"

namespace proxyd::io {
namespace {

void add_name(std::vector<std::string>& names, const ASN1_STRING* value) {
  if (value == nullptr) return;
  const auto* data = ASN1_STRING_get0_data(value);
  const auto length = ASN1_STRING_length(value);
  if (data == nullptr || length <= 0) return;
  auto name =
      common::text::to_lower(std::string_view(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length)));
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
}

struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

}  // namespace

std::vector<std::string> certificate_names(const X509* certificate) {
  std::vector<std::string> names;
  if (certificate == nullptr) return names;
  const X509_NAME* subject = X509_get_subject_name(certificate);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    add_name(names, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
  }
  const std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> alt_names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  if (!alt_names) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(alt_names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(alt_names.get(), i);
    if (name->type == GEN_DNS) add_name(names, name->d.dNSName);
  }
  return names;
}

std::string take_openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return {};
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

}  // namespace proxyd::io
