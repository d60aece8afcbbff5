#include "vrrpd/commands.h"

#include <fmt/format.h>
#include <linux/capability.h>

#include <cstdio>
#include <map>

#include "common/core/config/ini_writer.h"
#include "common/io/daemon.h"
#include "common/io/process.h"
#include "vrrpd/core/notify/notify_plan.h"
#include "vrrpd/core/track/failover_check.h"
#include "vrrpd/io/advert_keys.h"
#include "vrrpd/io/config_sources.h"
#include "vrrpd/io/interface_info.h"
#include "vrrpd/io/notify_runner.h"

namespace vrrpd {

using common::config::Diagnostics;
using config::VrrpConfig;

std::optional<VrrpConfig> load(const common::cli::DaemonOptions& options, const std::string& path,
                               Diagnostics& diagnostics) {
  auto named = options;
  named.config_file = path;
  const auto doc = io::config_document(named, diagnostics);
  if (!doc) return std::nullopt;
  VrrpConfig built = config::load_vrrp_config(*doc, diagnostics);
  if (diagnostics.has_errors()) return std::nullopt;
  return built;
}

void check_environment(const VrrpConfig& config, Diagnostics& diagnostics) {
  // Without these vrrpd starts, but every attempt to become master ends in
  // FAULT (no VIP) or it cannot even send adverts.
  const struct {
    int cap;
    const char* name;
    const char* needed_for;
  } needed[] = {{CAP_NET_ADMIN, "CAP_NET_ADMIN", "adding the VIPs through netlink"},
                {CAP_NET_RAW, "CAP_NET_RAW", "VRRP and ARP sockets"}};
  for (const auto& n : needed) {
    if (!common::io::has_effective_capability(n.cap)) {
      diagnostics.warning({config.source, 0}, fmt::format("this process lacks {} (needed for {}): run vrrpd as root "
                                                          "or keep it in the unit's CapabilityBoundingSet",
                                                          n.name, n.needed_for));
    }
  }
  for (const auto& instance : config.instances) {
    if (!io::read_interface(instance.interface)) {
      diagnostics.warning(config.where(instance.line),
                          fmt::format("instance '{}': interface {} does not exist (yet); the instance waits for it",
                                      instance.name, instance.interface));
    }
    // The keys as the instance will load them at start.
    if (auto auth = io::load_auth_settings(instance); !auth) {
      diagnostics.error(config.where(instance.line), auth.error().describe());
    }
  }
  // Scripts that would be refused at run time are reported now.
  const auto identity = io::resolve_script_user(config.global.script_user);
  if (!identity) {
    diagnostics.error({config.source, 0}, identity.error().describe());
    return;
  }
  auto check = [&](const std::string& program, int line, std::string_view what) {
    if (auto safe = io::check_script_security(program, *identity); !safe) {
      diagnostics.error(config.where(line), fmt::format("{}: {}", what, safe.error().describe()));
    }
  };
  for (const auto& in : config.instances) {
    for (const auto* hook :
         {&in.notify.master, &in.notify.backup, &in.notify.fault, &in.notify.stop, &in.notify.generic}) {
      if (*hook) check((*hook)->argv.front(), in.line, fmt::format("instance '{}' notify", in.name));
    }
  }
  for (const auto& t : config.trackers) {
    if (const auto* script = std::get_if<config::TrackScript>(&t.spec); script && !script->user) {
      check(script->argv.front(), t.line, fmt::format("track_script '{}'", t.name));
    }
  }
}

bool check_peer(const VrrpConfig& mine, const common::cli::DaemonOptions& options, const std::string& peer_path) {
  Diagnostics diagnostics;
  auto theirs = load(options, peer_path, diagnostics);
  common::io::print_diagnostics(diagnostics);
  if (!theirs) return false;
  std::size_t problems = 0;
  for (const auto& finding : track::check_failover(mine, *theirs)) {
    std::printf("%s: %s\n", finding.problem ? "PROBLEM" : "ok", finding.text.c_str());
    problems += finding.problem ? 1u : 0u;
  }
  std::printf("failover check against %s: %zu problem(s)\n", peer_path.c_str(), problems);
  return problems == 0;
}

int genkey(const std::vector<std::string>& words) {
  unsigned id = 1;
  if (words.size() > 2 ||
      (words.size() == 2 && (std::sscanf(words[1].c_str(), "%u", &id) != 1 || id < 1 || id > 255))) {
    std::fprintf(stderr, "vrrpd: usage: vrrpd genkey [ID]   (ID 1-255)\n");
    return 2;
  }
  auto secret = io::random_secret(32);
  if (!secret) {
    std::fprintf(stderr, "vrrpd: %s\n", secret.error().describe().c_str());
    return 1;
  }
  std::printf("# vrrpd auth_hmac key (keep this file mode 0600; the same file on both nodes)\n%s\n",
              config::format_key_line(static_cast<std::uint8_t>(id), *secret).c_str());
  return 0;
}

int convert(const common::cli::DaemonOptions& options) {
  Diagnostics diagnostics;
  const auto doc = io::config_document(options, diagnostics);
  if (doc) (void)config::load_vrrp_config(*doc, diagnostics);
  common::io::print_diagnostics(diagnostics);
  if (!doc || diagnostics.has_errors()) {
    std::fprintf(stderr, "%s: %zu error(s), not converted\n", options.config_file.c_str(), diagnostics.error_count());
    return 1;
  }
  std::fputs(
      common::config::to_ini(*doc, "vrrpd configuration converted from keepalived.conf (vrrpd --convert)").c_str(),
      stdout);
  return 0;
}

int notify_test(const VrrpConfig& config, const std::vector<std::string>& words) {
  const auto* in = words.size() == 3 ? config.find_instance(words[1]) : nullptr;
  const std::map<std::string, notify::NotifyState, std::less<>> states{{"MASTER", notify::NotifyState::Master},
                                                                       {"BACKUP", notify::NotifyState::Backup},
                                                                       {"FAULT", notify::NotifyState::Fault},
                                                                       {"STOP", notify::NotifyState::Stop}};
  const auto state = words.size() == 3 ? states.find(words[2]) : states.end();
  if (in == nullptr || state == states.end()) {
    std::fprintf(stderr, "usage: vrrpd [-f FILE] notify-test INSTANCE MASTER|BACKUP|FAULT|STOP\n");
    return 2;
  }
  auto identity = io::resolve_script_user(config.global.script_user);
  if (!identity) {
    std::fprintf(stderr, "vrrpd: %s\n", identity.error().describe().c_str());
    return 1;
  }
  const notify::Transition transition{notify::Subject::Instance, in->name, state->second,
                                      static_cast<std::uint8_t>(in->priority)};
  int failures = 0;
  for (const auto& argv : notify::plan(in->notify, transition)) {
    std::printf("running as %s: %s\n", identity->name.c_str(), io::format_argv(argv).c_str());
    if (auto safe = io::check_script_security(argv.front(), *identity); !safe) {
      std::printf("  refused: %s\n", safe.error().describe().c_str());
      ++failures;
      continue;
    }
    common::io::SpawnOptions options;
    options.argv = argv;
    options.env = notify::environment(transition);
    options.uid = identity->uid;
    options.gid = identity->gid;
    options.timeout = in->notify_timeout;
    const auto r = common::io::run_process(options);
    if (!r) {
      std::printf("  %s\n", r.error().describe().c_str());
      ++failures;
      continue;
    }
    std::printf("  pid %d: %s after %s%s\n", r->pid, r->describe().c_str(),
                common::format_duration(r->duration).c_str(),
                r->stderr_first_line.empty() ? "" : (", stderr: " + r->stderr_first_line).c_str());
    failures += r->success() ? 0 : 1;
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace vrrpd
