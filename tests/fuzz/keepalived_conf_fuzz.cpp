// Any text as a keepalived.conf: the lexer (parameters, @ID lines,
// includes), the block tree, the reader, the loader behind it and
// --convert's writer must report errors, never crash, hang or leak.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/config/ini_writer.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/core/keepalived_conf/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ka = vrrpd::keepalived_conf;
  const ka::LexOptions options{"lb1", [](std::string_view pattern, std::string_view, std::string_view) {
                                 ka::IncludeResult r;
                                 if (pattern == "loop") r.files.push_back({"loop.conf", "include loop\n"});
                                 if (pattern == "part") r.files.push_back({"part.conf", "vrrp_instance X {\n"});
                                 return r;
                               }};
  common::config::Diagnostics diagnostics;
  const auto doc =
      ka::read({"fuzz.conf", std::string(reinterpret_cast<const char*>(data), size)}, options, diagnostics);
  (void)vrrpd::config::load_vrrp_config(doc, diagnostics);
  (void)common::config::to_ini(doc, "fuzz");
  for (const auto& d : diagnostics.all()) (void)d.to_string();
  return 0;
}
