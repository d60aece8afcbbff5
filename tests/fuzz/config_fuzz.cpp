// Any text as a configuration file: the parser and both loaders must report
// errors, never crash, hang or leak.
#include <cstdint>
#include <string_view>

#include "common/core/config/ini_document.h"
#include "proxyd/core/config/proxy_config.h"
#include "vrrpd/core/config/vrrp_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  common::config::Diagnostics diagnostics;
  const auto doc = common::config::parse_ini(text, "fuzz.ini", diagnostics);
  common::config::Diagnostics proxy_diagnostics;
  (void)proxyd::config::load_proxy_config(doc, proxy_diagnostics);
  common::config::Diagnostics vrrp_diagnostics;
  (void)vrrpd::config::load_vrrp_config(doc, vrrp_diagnostics);
  for (const auto& d : proxy_diagnostics.all()) (void)d.to_string();
  return 0;
}
