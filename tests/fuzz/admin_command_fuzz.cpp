// The runtime API's command lines: every line is split on ';' and each
// command parsed as the admin socket does; map and acl commands then run
// against a small library of files. Never crash; a failed edit changes
// nothing.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proxyd/core/sample/acl.h"
#include "proxyd/core/sample/expression.h"
#include "proxyd/core/stats/admin_command.h"
#include "proxyd/core/stats/map_command.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace proxyd;
  sample::Library lib;
  (void)sample::parse_expression("src,map_ip_int(/m/nets.map,0)", &lib);
  (void)sample::parse_expression("req.hdr(host),map_beg(/m/hosts.map)", &lib);
  (void)sample::parse_criterion(*sample::split("path -m reg -f /m/paths.lst"), &lib);
  (void)lib.files.find("#0")->load("10.0.0.0/8 1\n");
  (void)lib.files.find("#1")->load("www b\n");
  (void)lib.files.find("#2")->load("^/a\n");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto command : stats::split_commands(text)) {
    if (auto map = stats::parse_map_command(command)) {
      if (!*map) continue;
      std::vector<std::size_t> before;
      for (const auto& ref : lib.files.all()) before.push_back(ref->entries().size());
      const auto outcome = stats::run_map_command(**map, lib.files);
      if (outcome) continue;
      for (std::size_t i = 0; i < before.size(); ++i) {
        if (lib.files.all()[i]->entries().size() != before[i]) std::abort();
      }
      continue;
    }
    (void)stats::parse_admin_command(command);
  }
  return 0;
}
