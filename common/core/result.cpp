#include "common/core/result.h"

#include <cstring>

namespace common {

std::string Error::describe() const {
  if (sys_errno == 0) {
    return message;
  }
  return fmt::format("{}: {}", message, std::strerror(sys_errno));
}

}  // namespace common
