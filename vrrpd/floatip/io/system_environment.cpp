#include "vrrpd/floatip/io/system_environment.h"

#include <thread>

namespace vrrpd::floatip::io {

void ThreadSleeper::sleep_for(common::Duration duration) {
  // libstdc++ restarts nanosleep after EINTR with the time left.
  std::this_thread::sleep_for(duration);
}

SystemRandom::SystemRandom() {
  std::random_device device;
  engine_.seed((static_cast<std::uint64_t>(device()) << 32) | device());
}

}  // namespace vrrpd::floatip::io
