#include "vrrpd/core/config/vrrp_config.h"

#include <fmt/format.h>

#include "common/core/config/log_keys.h"

#include <map>
#include <set>

#include "common/core/config/config_table.h"
#include "common/core/log/syslog_facility.h"
#include "common/core/text.h"

namespace vrrpd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;
using common::Status;

namespace {

template <class T>
using Choices = std::vector<std::pair<std::string_view, T>>;

const Choices<InitialState> kStates{{"BACKUP", InitialState::Backup}, {"MASTER", InitialState::Master}};
const Choices<AuthType> kAuthTypes{{"none", AuthType::None}, {"PASS", AuthType::Pass}};
const Choices<AuthHmac> kAuthHmac{{"off", AuthHmac::Off},
                                  {"receive_only", AuthHmac::ReceiveOnly},
                                  {"permissive", AuthHmac::Permissive},
                                  {"enforce", AuthHmac::Enforce}};
const Choices<SkewOnPriorityZero> kSkewChoices{{"auto", SkewOnPriorityZero::Auto},
                                               {"always", SkewOnPriorityZero::Always}};

// keepalived's mail settings (smtp_alert), [global] keys.
cfg::KeyTable<MailSettings> mail_keys() {
  using M = MailSettings;
  return {
      cfg::custom<M>(
          "notification_email",
          [](M& m, std::string_view v) -> Status {
            for (const auto w : common::text::split_words(v)) {
              if (w.find('@') == std::string_view::npos) return fail("'{}' is not an e-mail address", w);
              m.to.emplace_back(w);
            }
            return {};
          },
          {}, true),
      cfg::field("notification_email_from", &M::from, cfg::parse_word),
      cfg::field("smtp_server", &M::server, parse_smtp_server),
      cfg::field("smtp_helo_name", &M::helo_name, cfg::parse_word),
      cfg::field("smtp_connect_timeout", &M::connect_timeout, cfg::parse_duration, "30s"),
      cfg::field("smtp_alert", &M::alert, cfg::parse_bool, "false"),
      cfg::field("no_email_faults", &M::no_faults, cfg::parse_bool, "false"),
  };
}

cfg::KeyTable<Global> global_keys() {
  using G = Global;
  auto keys = cfg::nested(mail_keys(), &Global::mail);
  cfg::KeyTable<Global> own = {
      cfg::field("router_id", &G::router_id, cfg::parse_word),
      cfg::custom<G>(
          "log", [](G& g, std::string_view v) { return common::log::parse_log_target(v, g.log); }, "syslog"),
      cfg::log_facility_key(&G::log, "daemon"),
      cfg::log_tag_key(&G::log, "vrrpd"),
      cfg::field("pidfile", &G::pidfile, cfg::parse_path, "/run/vrrpd.pid"),
      cfg::field("status_file", &G::status_file, cfg::parse_path, "/run/vrrpd/status.json"),
      cfg::field("script_user", &G::script_user, cfg::optional_of(cfg::parse_account_name)),
      cfg::field("notify_fifo", &G::notify_fifo, cfg::parse_path),
      cfg::field("vmac_prefix", &G::vmac_prefix, cfg::parse_word, "vrrp"),
      cfg::field("realtime_priority", &G::realtime_priority, cfg::uint_in<std::uint32_t>(0, 99), "0"),
      cfg::field("no_swap", &G::no_swap, cfg::parse_bool, "false"),
      cfg::field("rlimit_rttime", &G::rlimit_rttime, cfg::parse_duration, "10ms"),
  };
  keys.insert(keys.end(), own.begin(), own.end());
  return keys;
}

cfg::KeyTable<Instance> instance_protocol_keys();

// `use_vmac = true|false|NAME`: a name of its own, or "" for PREFIX.VRID.
Result<std::optional<std::string>> parse_use_vmac(std::string_view value) {
  const auto v = common::text::trim(value);
  if (const auto on = cfg::parse_bool(v)) return *on ? std::optional<std::string>("") : std::nullopt;
  auto name = cfg::parse_word(v);
  if (!name) return tl::unexpected(name.error());
  if (name->size() > 15) return fail("interface name '{}' is longer than 15 characters (IFNAMSIZ)", *name);
  return std::optional<std::string>(*name);
}

Result<std::optional<Command>> parse_notify(std::string_view value) {
  auto argv = parse_command(value);
  if (!argv) return tl::unexpected(argv.error());
  return std::optional<Command>(Command{std::string(common::text::trim(value)), std::move(*argv)});
}

template <class Model>
void add_notify_keys(cfg::KeyTable<Model>& keys, NotifyCommands Model::*member) {
  const std::pair<std::string_view, std::optional<Command> NotifyCommands::*> hooks[] = {
      {"notify_master", &NotifyCommands::master}, {"notify_backup", &NotifyCommands::backup},
      {"notify_fault", &NotifyCommands::fault},   {"notify_stop", &NotifyCommands::stop},
      {"notify", &NotifyCommands::generic},
  };
  for (const auto& entry : hooks) {
    const auto hook = entry.second;  // a copy: clang 14 cannot capture a structured binding
    keys.push_back(cfg::custom<Model>(entry.first, [member, hook](Model& m, std::string_view v) -> Status {
      auto command = parse_notify(v);
      if (!command) return tl::unexpected(command.error());
      (m.*member).*hook = std::move(*command);
      return {};
    }));
  }
}

cfg::KeyTable<Instance> instance_keys() {
  using I = Instance;
  auto keys = instance_protocol_keys();
  keys.push_back(cfg::custom<I>(
      "track",
      [](I& in, std::string_view v) -> Status {
        for (const auto w : common::text::split_words(v)) in.track.emplace_back(w);
        return {};
      },
      {}, true));
  add_notify_keys(keys, &I::notify);
  keys.push_back(cfg::field("notify_timeout", &I::notify_timeout, cfg::parse_duration, "30s"));
  keys.push_back(cfg::field("master_refresh", &I::master_refresh, cfg::parse_duration, "0s"));
  keys.push_back(cfg::field("smtp_alert", &I::smtp_alert, cfg::optional_of(cfg::parse_bool)));
  return keys;
}

cfg::KeyTable<Instance> instance_protocol_keys() {
  using I = Instance;
  return {
      cfg::required(cfg::field("interface", &I::interface, cfg::parse_word)),
      cfg::field(
          "state", &I::state, [](std::string_view v) { return cfg::parse_choice(v, kStates); }, "BACKUP"),
      cfg::field("priority", &I::priority, cfg::uint_in<std::uint32_t>(1, 255), "100"),
      cfg::required(cfg::field("virtual_router_id", &I::vrid, cfg::uint_in<std::uint32_t>(1, 255))),
      cfg::field("version", &I::version, cfg::uint_in<std::uint32_t>(2, 3), "2"),
      cfg::field("advert_int", &I::advert_interval, cfg::parse_duration, "1s"),
      cfg::field("preempt", &I::preempt, cfg::parse_bool, "true"),
      cfg::field("preempt_delay", &I::preempt_delay, cfg::parse_duration, "0s"),
      cfg::field("unicast_src_ip", &I::unicast_source,
                 [](std::string_view v) -> Result<std::optional<common::net::IpAddress>> {
                   auto ip = cfg::parse_ip(v);
                   if (!ip) return tl::unexpected(ip.error());
                   return std::optional(*ip);
                 }),
      cfg::list("unicast_peer", &I::unicast_peers, cfg::parse_ip),
      cfg::field(
          "auth_type", &I::auth_type, [](std::string_view v) { return cfg::parse_choice(v, kAuthTypes); }, "none"),
      cfg::field("auth_pass", &I::auth_pass, cfg::parse_text),
      cfg::field(
          "auth_hmac", &I::auth_hmac, [](std::string_view v) { return cfg::parse_choice(v, kAuthHmac); }, "off"),
      cfg::field("key_file", &I::key_file, cfg::parse_path),
      cfg::field("active_key", &I::active_key, cfg::uint_in<std::uint32_t>(1, 255), "1"),
      cfg::field("replay_window", &I::replay_window, cfg::parse_duration, "60s"),
      cfg::list("vip", &I::vips, parse_virtual_address),
      cfg::list("vip_excluded", &I::vips,
                [](std::string_view v) -> common::Result<VirtualAddress> {
                  auto vip = parse_virtual_address(v);
                  if (vip) vip->excluded = true;
                  return vip;
                }),
      cfg::field(
          "skew_on_priority_zero", &I::skew_on_priority_zero,
          [](std::string_view v) { return cfg::parse_choice(v, kSkewChoices); }, "auto"),
      cfg::field("dont_track_primary", &I::dont_track_primary, cfg::parse_bool, "false"),
      cfg::field("use_vmac", &I::vmac, parse_use_vmac),
      cfg::field("vmac_xmit_base", &I::vmac_xmit_base, cfg::parse_bool, "false"),
      cfg::list("route", &I::routes, parse_virtual_route),
      cfg::list("rule", &I::rules, parse_virtual_rule),
      cfg::field("garp_master_delay", &I::garp_master_delay, cfg::parse_duration, "5s"),
      cfg::field("garp_master_repeat", &I::garp_master_repeat, cfg::uint_in<std::uint32_t>(1, 255), "5"),
      cfg::field("garp_master_refresh", &I::garp_master_refresh, cfg::parse_duration, "0s"),
  };
}

cfg::KeyTable<SyncGroup> sync_group_keys() {
  cfg::KeyTable<SyncGroup> keys = {
      cfg::required(cfg::custom<SyncGroup>("instances", [](SyncGroup& g, std::string_view v) -> Status {
        for (const auto word : common::text::split_words(v)) g.instances.emplace_back(word);
        if (g.instances.empty()) return fail("expected instance names");
        return {};
      }))};
  add_notify_keys(keys, &SyncGroup::notify);
  keys.push_back(cfg::field("smtp_alert", &SyncGroup::smtp_alert, cfg::optional_of(cfg::parse_bool)));
  return keys;
}

void validate_timing(const cfg::IniDocument& doc, const Instance& in, cfg::Diagnostics& diagnostics) {
  const auto ms = in.advert_interval.count();
  if (in.version == 2 && (ms % 1000 != 0 || ms < 1000 || ms > 255'000)) {
    diagnostics.error(doc.at(in.line), fmt::format("instance '{}': VRRPv2 advert_int must be whole seconds from 1s "
                                                   "to 255s (RFC 3768 5.3.7), got {}",
                                                   in.name, common::format_duration(in.advert_interval)));
  }
  if (in.version == 3 && (ms % 10 != 0 || ms < 10 || ms > 40'950)) {
    diagnostics.error(doc.at(in.line), fmt::format("instance '{}': VRRPv3 advert_int must be a multiple of 10ms "
                                                   "from 10ms to 40.95s (RFC 5798 5.2.7), got {}",
                                                   in.name, common::format_duration(in.advert_interval)));
  }
  if (in.preempt_delay > Duration(1'000'000)) {
    diagnostics.error(doc.at(in.line), fmt::format("instance '{}': preempt_delay is at most 1000s", in.name));
  }
}

void validate_hmac(const cfg::IniDocument& doc, const Instance& in, cfg::Diagnostics& diagnostics) {
  if (in.auth_hmac != AuthHmac::Off && in.key_file.empty()) {
    diagnostics.error(doc.at(in.line), fmt::format("instance '{}': auth_hmac needs key_file (make one with: vrrpd "
                                                   "genkey > /etc/vrrpd/vrrp.key; chmod 600)",
                                                   in.name));
  }
}

void validate_addresses(const cfg::IniDocument& doc, const Instance& in, cfg::Diagnostics& diagnostics) {
  const auto family = in.family();
  for (const auto& vip : in.vips) {
    if (!vip.excluded && vip.address.network.family() != family) {
      diagnostics.error(doc.at(vip.line), fmt::format("instance '{}': VIP {} mixes IPv4 and IPv6 in one instance",
                                                      in.name, vip.address.to_string()));
    }
  }
  if (family == common::net::Family::V6 && in.version != 3) {
    diagnostics.error(doc.at(in.line), fmt::format("instance '{}': IPv6 needs version = 3", in.name));
  }
  for (const auto& peer : in.unicast_peers) {
    if (peer.family() != family) {
      diagnostics.error(doc.at(in.line), fmt::format("instance '{}': unicast_peer {} is not of the instance's "
                                                     "address family",
                                                     in.name, peer.to_string()));
    }
  }
  if (in.unicast_source && in.unicast_source->family() != family) {
    diagnostics.error(doc.at(in.line), fmt::format("instance '{}': unicast_src_ip is not of the instance's address "
                                                   "family",
                                                   in.name));
  }
  // unicast_peer without unicast_src_ip is the shipped setup: the source is
  // the interface's primary address (as Keepalived), and a peer that is an
  // address of this node is skipped at start, so both nodes share one file.
  if (in.unicast_source && !in.unicast()) {
    diagnostics.warning(doc.at(in.line), fmt::format("instance '{}': unicast_src_ip without unicast_peer is "
                                                     "ignored (multicast mode)",
                                                     in.name));
  }
}

// use_vmac: IPv4 multicast instances (the VMAC carries the VIPs; adverts go
// out from it with the base interface's address).
void validate_vmac(const cfg::IniDocument& doc, const Instance& in, cfg::Diagnostics& diagnostics) {
  if (!in.vmac && in.vmac_xmit_base) {
    diagnostics.warning(doc.at(in.line),
                        fmt::format("instance '{}': vmac_xmit_base without use_vmac changes nothing", in.name));
  }
  if (!in.vmac) return;
  if (in.family() != common::net::Family::V4) {
    diagnostics.error(doc.at(in.line),
                      fmt::format("instance '{}': use_vmac is supported for IPv4 instances only", in.name));
  }
  if (in.unicast() && !in.vmac_xmit_base) {
    diagnostics.error(doc.at(in.line), fmt::format("instance '{}': use_vmac with unicast_peer needs vmac_xmit_base "
                                                   "(adverts from the base interface), as Keepalived",
                                                   in.name));
  }
}

// A rule without priority gets keepalived's 16384 (keepalived warns too).
void validate_rules(const cfg::IniDocument& doc, const Instance& in, cfg::Diagnostics& diagnostics) {
  for (const auto& rule : in.rules) {
    if (rule.priority) continue;
    diagnostics.warning(doc.at(rule.line), fmt::format("instance '{}': rule '{}' has no priority: {}, as keepalived "
                                                       "sets it (this is probably not what you want)",
                                                       in.name, rule.text, kDefaultRulePriority));
  }
}

void validate_auth(const cfg::IniDocument& doc, const Instance& in, cfg::Diagnostics& diagnostics) {
  if (in.auth_type == AuthType::Pass) {
    if (in.version != 2) {
      diagnostics.error(doc.at(in.line), fmt::format("instance '{}': auth_type PASS exists only in VRRPv2 "
                                                     "(RFC 5798 removed authentication); set version = 2",
                                                     in.name));
    }
    if (in.auth_pass.empty()) {
      diagnostics.error(doc.at(in.line), fmt::format("instance '{}': auth_type PASS needs auth_pass", in.name));
    } else if (in.auth_pass.size() > 8) {
      diagnostics.warning(doc.at(in.line), fmt::format("instance '{}': auth_pass is longer than 8 characters; only "
                                                       "'{}' is used (as keepalived does)",
                                                       in.name, in.auth_pass.substr(0, 8)));
    }
  } else if (!in.auth_pass.empty()) {
    diagnostics.warning(doc.at(in.line),
                        fmt::format("instance '{}': auth_pass is ignored without auth_type = PASS", in.name));
  }
}

// smtp_alert somewhere without a server or a recipient: no mail would go.
void validate_mail(const cfg::IniDocument& doc, const VrrpConfig& config, cfg::Diagnostics& diagnostics) {
  const auto& mail = config.global.mail;
  bool alerts = false;
  for (const auto& in : config.instances) alerts = alerts || in.smtp_alert.value_or(mail.alert);
  for (const auto& g : config.sync_groups) alerts = alerts || g.smtp_alert.value_or(mail.alert);
  if (!alerts || (mail.server && !mail.to.empty())) return;
  diagnostics.warning(doc.at(0), fmt::format("smtp_alert is on but [global] has no {}: no mail is sent",
                                             mail.server ? "notification_email" : "smtp_server"));
}

void validate(const cfg::IniDocument& doc, const VrrpConfig& config, cfg::Diagnostics& diagnostics) {
  std::map<std::tuple<std::string, std::uint32_t, common::net::Family>, std::string> vrids;
  for (const auto& in : config.instances) {
    validate_timing(doc, in, diagnostics);
    validate_addresses(doc, in, diagnostics);
    validate_auth(doc, in, diagnostics);
    validate_hmac(doc, in, diagnostics);
    validate_vmac(doc, in, diagnostics);
    validate_rules(doc, in, diagnostics);
    if (in.priority == 255 && in.state == InitialState::Backup) {
      diagnostics.warning(doc.at(in.line), fmt::format("instance '{}': priority 255 means address owner: it becomes "
                                                       "MASTER at once whatever 'state' says",
                                                       in.name));
    }
    if (!in.preempt && in.state == InitialState::Master) {
      diagnostics.warning(doc.at(in.line), fmt::format("instance '{}': preempt = false with state = MASTER: the node "
                                                       "still takes over at start; use state = BACKUP",
                                                       in.name));
    }
    const auto [it, fresh] = vrids.emplace(std::tuple{in.interface, in.vrid, in.family()}, in.name);
    if (!fresh) {
      diagnostics.error(doc.at(in.line), fmt::format("instance '{}': virtual_router_id {} on {} is already used by "
                                                     "instance '{}'",
                                                     in.name, in.vrid, in.interface, it->second));
    }
  }
  std::vector<std::string_view> tracker_names;
  for (const auto& t : config.trackers) tracker_names.push_back(t.name);
  for (const auto& in : config.instances) {
    for (const auto& name : in.track) {
      if (config.find_tracker(name) != nullptr) continue;
      const auto guess = common::text::closest_match(name, tracker_names);
      diagnostics.error(doc.at(in.line), guess ? fmt::format("instance '{}': unknown tracker '{}' (did you mean '{}'?)",
                                                             in.name, name, *guess)
                                               : fmt::format("instance '{}': unknown tracker '{}'", in.name, name));
    }
  }
  validate_mail(doc, config, diagnostics);
  std::map<std::string, std::string> member_of;
  for (const auto& group : config.sync_groups) {
    for (const auto& name : group.instances) {
      if (config.find_instance(name) == nullptr) {
        diagnostics.error(doc.at(group.line), fmt::format("sync_group '{}': unknown instance '{}'", group.name, name));
      } else if (const auto [it, fresh] = member_of.emplace(name, group.name); !fresh) {
        diagnostics.error(doc.at(group.line),
                          fmt::format("instance '{}' is in sync_group '{}' and '{}'", name, it->second, group.name));
      }
    }
  }
}

}  // namespace

std::string VirtualAddress::to_string() const {
  std::string out = address.to_string();
  if (!device.empty()) out += " dev " + device;
  if (!label.empty()) out += " label " + label;
  return out;
}

common::net::Family Instance::family() const {
  for (const auto& vip : vips) {
    if (!vip.excluded) return vip.address.network.family();
  }
  if (!unicast_peers.empty()) return unicast_peers.front().family();
  if (unicast_source) return unicast_source->family();
  return common::net::Family::V4;
}

std::string vmac_name(const Instance& in, const Global& global) {
  if (!in.vmac) return {};
  return in.vmac->empty() ? fmt::format("{}.{}", global.vmac_prefix, in.vrid) : *in.vmac;
}

bool same_settings(Instance a, Instance b) {
  for (auto* in : {&a, &b}) {
    in->line = 0;
    for (auto& vip : in->vips) vip.line = 0;
    for (auto& route : in->routes) route.line = 0;
    for (auto& rule : in->rules) rule.line = 0;
    // auth_hmac's settings change in place (keys rotate without a transition).
    in->auth_hmac = AuthHmac::Off;
    in->key_file.clear();
    in->active_key = 1;
    in->replay_window = {};
  }
  return a == b;
}

const Tracker* VrrpConfig::find_tracker(std::string_view name) const {
  for (const auto& t : trackers) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

common::config::Location VrrpConfig::where(int line) const {
  return common::config::IniDocument{source, {}, spans}.at(line);
}

const Instance* VrrpConfig::find_instance(std::string_view name) const {
  for (const auto& in : instances) {
    if (in.name == name) return &in;
  }
  return nullptr;
}

Result<std::optional<common::net::Endpoint>> parse_smtp_server(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.empty() || words.size() > 2) return fail("expected ADDRESS [PORT]");
  if (words.size() == 1) {
    if (const auto endpoint = common::net::Endpoint::parse(words[0])) return std::optional(*endpoint);
  }
  auto ip = cfg::parse_ip(words[0]);
  if (!ip) return tl::unexpected(ip.error());
  std::uint16_t port = 25;
  if (words.size() == 2) {
    auto parsed = cfg::uint_in<std::uint16_t>(1, 65535)(words[1]);
    if (!parsed) return tl::unexpected(parsed.error());
    port = *parsed;
  }
  return std::optional(common::net::Endpoint{*ip, port});
}

Result<VirtualAddress> parse_virtual_address(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.empty()) return fail("expected ADDRESS[/PREFIX] [dev IFACE] [label LABEL] [scope SCOPE]");
  VirtualAddress vip;
  auto address = cfg::parse_interface_address(words[0]);
  if (!address) return tl::unexpected(address.error());
  vip.address = *address;
  for (std::size_t i = 1; i < words.size(); i += 2) {
    if (i + 1 >= words.size()) return fail("option '{}' needs a value", words[i]);
    const auto option = words[i];
    const auto arg = std::string(words[i + 1]);
    if (option == "dev") {
      vip.device = arg;
    } else if (option == "label") {
      vip.label = arg;
    } else if (option == "scope" && (arg == "global" || arg == "site" || arg == "link" || arg == "host")) {
      vip.scope = arg;
    } else {
      return fail("unknown VIP option '{} {}' (expected dev IFACE, label LABEL, scope global|site|link|host)", option,
                  arg);
    }
  }
  if (!vip.label.empty() && vip.address.network.family() == common::net::Family::V6) {
    return fail("labels exist only for IPv4 addresses");
  }
  if (vip.label.size() > 15) return fail("label '{}' is longer than 15 characters (IFNAMSIZ)", vip.label);
  return vip;
}

VrrpConfig load_vrrp_config(const cfg::IniDocument& doc, cfg::Diagnostics& diagnostics) {
  static constexpr cfg::SectionRule kRules[] = {{"global", false, true},          {"instance", true, false},
                                                {"sync_group", true, false},      {"track_pid", true, false},
                                                {"track_http", true, false},      {"track_script", true, false},
                                                {"track_interface", true, false}, {"track_file", true, false}};
  VrrpConfig config;
  config.source = doc.file;
  config.spans = doc.spans;
  const auto sections = cfg::check_sections(doc, kRules, diagnostics);
  const auto globals = global_keys();
  const auto instance = instance_keys();
  const auto group = sync_group_keys();
  cfg::apply_defaults(globals, config.global);
  for (const auto* s : sections) {
    if (s->kind == "global") {
      cfg::load_section(doc, *s, globals, config.global, diagnostics);
    } else if (s->kind == "instance") {
      Instance in;
      in.name = s->name;
      in.line = s->line;
      cfg::load_section(doc, *s, instance, in, diagnostics);
      config.instances.push_back(std::move(in));
    } else if (s->kind.starts_with("track_")) {
      if (config.find_tracker(s->name) != nullptr) {
        diagnostics.error(doc.at(s->line), fmt::format("tracker name '{}' is used twice", s->name));
      }
      config.trackers.push_back(load_tracker(doc, *s, diagnostics));
    } else if (s->kind == "sync_group") {
      SyncGroup g;
      g.name = s->name;
      g.line = s->line;
      cfg::load_section(doc, *s, group, g, diagnostics);
      config.sync_groups.push_back(std::move(g));
    }
  }
  if (config.instances.empty()) diagnostics.error(doc.at(0), "no [instance NAME] section: nothing to do");
  validate(doc, config, diagnostics);
  return config;
}

}  // namespace vrrpd::config
