#include "vrrpd/io/config_sources.h"

#include <fmt/format.h>
#include <glob.h>
#include <unistd.h>

#include "common/io/files.h"
#include "vrrpd/core/keepalived_conf/reader.h"

namespace vrrpd::io {
namespace {

namespace ka = keepalived_conf;

std::string host_config_id() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  const std::string host(name);
  return host.substr(0, host.find('.'));
}

bool has_wildcard(std::string_view pattern) {
  return pattern.find_first_of("*?[{") != std::string_view::npos;
}

// keepalived's include keywords and the checks each makes an error
// (include_check: readable, match, wildcard_match, brace_match).
struct Checks {
  bool readable = false;
  bool match = false;
  bool wildcard_match = false;
};
Checks checks_of(std::string_view keyword) {
  if (keyword == "includea") return {true, true, true};
  return {keyword == "includer", keyword == "includem" || keyword == "includeb", keyword == "includew"};
}

ka::IncludeResult find_includes(std::string_view pattern, std::string_view directory, std::string_view keyword) {
  ka::IncludeResult out;
  const auto checks = checks_of(keyword);
  const std::string full = pattern.starts_with('/') ? std::string(pattern) : fmt::format("{}/{}", directory, pattern);
  glob_t found{};
  const int rc = ::glob(full.c_str(), GLOB_BRACE | GLOB_NOCHECK | GLOB_TILDE, nullptr, &found);
  std::vector<std::string> paths;
  for (std::size_t i = 0; rc == 0 && i < found.gl_pathc; ++i) paths.emplace_back(found.gl_pathv[i]);
  ::globfree(&found);
  bool matched = false;
  for (const auto& path : paths) {
    auto text = common::io::read_file(path);
    if (text) {
      out.files.push_back({path, std::move(*text)});
      matched = true;
      continue;
    }
    const bool missing = ::access(path.c_str(), F_OK) != 0;
    if (missing && has_wildcard(path)) continue;  // GLOB_NOCHECK's pattern: nothing matched
    const auto message = fmt::format("{}: {}", path, text.error().describe());
    const bool fatal = missing ? checks.match : checks.readable;
    (fatal ? out.errors : out.warnings).push_back(message);
  }
  if (!matched && has_wildcard(pattern)) {
    const auto message = fmt::format("{} '{}' matches no file", keyword, pattern);
    (checks.wildcard_match ? out.errors : out.warnings).push_back(message);
  }
  return out;
}

}  // namespace

bool is_keepalived_format(const common::cli::DaemonOptions& options, std::string_view text) {
  const auto format = options.extra.find("format");
  if (format != options.extra.end()) return format->second == "keepalived";
  return ka::looks_like_keepalived(text);
}

std::optional<common::config::IniDocument> config_document(const common::cli::DaemonOptions& options,
                                                           common::config::Diagnostics& diagnostics) {
  const auto& path = options.config_file;
  const auto format = options.extra.find("format");
  if (format != options.extra.end() && format->second != "keepalived" && format->second != "ini") {
    diagnostics.error({path, 0}, "--format: expected keepalived or ini");
    return std::nullopt;
  }
  auto text = common::io::read_file(path);
  if (!text) {
    diagnostics.error({path, 0}, text.error().describe());
    return std::nullopt;
  }
  if (!is_keepalived_format(options, *text)) return common::config::parse_ini(*text, path, diagnostics);
  const auto id = options.extra.find("config-id");
  const ka::LexOptions lex{id != options.extra.end() ? id->second : host_config_id(), find_includes};
  return ka::read({path, std::move(*text)}, lex, diagnostics);
}

}  // namespace vrrpd::io
