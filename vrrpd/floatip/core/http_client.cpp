#include "vrrpd/floatip/core/http_client.h"

namespace vrrpd::floatip {

std::string_view HttpResponse::header(std::string_view lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string_view{} : std::string_view(it->second);
}

}  // namespace vrrpd::floatip
