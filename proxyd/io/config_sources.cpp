#include "proxyd/io/config_sources.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/core/config/env_expand.h"
#include "common/io/daemon.h"
#include "common/io/files.h"

namespace proxyd::io {
namespace {

// <path>, or the *.cfg files of the directory <path> in lexical order.
std::vector<std::string> expand_directory(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_directory(path, error)) return {path};
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
    if (entry.is_regular_file(error) && entry.path().extension() == ".cfg") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::optional<ConfigSources> read_config_sources(const common::cli::DaemonOptions& options,
                                                 common::config::Diagnostics& diagnostics) {
  ConfigSources sources;
  const auto named =
      options.config_files.empty() ? std::vector<std::string>{options.config_file} : options.config_files;
  for (const auto& path : named) {
    const auto files = expand_directory(path);
    if (files.empty()) diagnostics.error({path, 0}, "a directory without *.cfg files");
    for (const auto& file : files) {
      auto text = common::io::read_file(file);
      if (!text) {
        diagnostics.error({file, 0}, text.error().describe());
        continue;
      }
      sources.files.push_back({file, std::move(*text)});
    }
  }
  if (diagnostics.has_errors() || sources.files.empty()) return std::nullopt;
  const auto format = options.extra.find("format");
  if (format != options.extra.end() && format->second != "haproxy" && format->second != "ini") {
    diagnostics.error({sources.files.front().name, 0}, "--format: expected haproxy or ini");
    return std::nullopt;
  }
  const bool haproxy = format != options.extra.end() ? format->second == "haproxy"
                                                     : haproxy_cfg::looks_like_haproxy(sources.files.front().text);
  sources.format = haproxy ? ConfigFormat::Haproxy : ConfigFormat::Ini;
  if (!haproxy && sources.files.size() > 1) {
    diagnostics.error({sources.files[1].name, 0},
                      "several files are read only in haproxy.cfg format (--format "
                      "haproxy); proxyd's INI is one file");
    return std::nullopt;
  }
  return sources;
}

common::config::IniDocument config_document(const ConfigSources& sources, common::config::Diagnostics& diagnostics) {
  const auto env = common::io::process_environment();
  if (sources.format == ConfigFormat::Haproxy) return haproxy_cfg::read(sources.files, env, diagnostics);
  const auto& file = sources.files.front();
  return common::config::expand_env(common::config::parse_ini(file.text, file.name, diagnostics), env, diagnostics);
}

}  // namespace proxyd::io
