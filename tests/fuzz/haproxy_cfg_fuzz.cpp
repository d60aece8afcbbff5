// Any text as a haproxy.cfg: the lexer, the preprocessor, the reader, the
// loader behind it and --convert's writer must report errors, never crash,
// hang or leak.
#include <cstdint>
#include <string>
#include <string_view>

#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/haproxy_cfg/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const proxyd::haproxy_cfg::SourceFile files[] = {
      {"fuzz.cfg", std::string(reinterpret_cast<const char*>(data), size)}};
  const auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "SET") return std::string("10.0.0.1 2 three");
    return std::nullopt;
  };
  common::config::Diagnostics diagnostics;
  const auto doc = proxyd::haproxy_cfg::read(files, env, diagnostics);
  (void)proxyd::config::load_proxy_config(doc, diagnostics);
  (void)proxyd::haproxy_cfg::to_ini(doc);
  for (const auto& d : diagnostics.all()) (void)d.to_string();
  return 0;
}
