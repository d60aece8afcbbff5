// The DNS names a certificate is valid for, as SNI selection and logs see
// them: the subject CN, then each DNS subjectAltName, lower-cased, without
// repeats.
#pragma once

#include <openssl/types.h>

#include <string>
#include <vector>

namespace proxyd::io {

std::vector<std::string> certificate_names(const X509* certificate);

// The first error of OpenSSL's thread-local queue as text ("" when empty),
// then clears the queue.
std::string take_openssl_error();

}  // namespace proxyd::io
