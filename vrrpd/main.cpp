#include <string_view>
#include <vector>

#include "vrrpd/app.h"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  return vrrpd::run(args);
}
