// vrrpd's configuration as an immutable value (see proxyd's proxy_config.h
// for the pattern): [global], [instance NAME] and [sync_group NAME].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/core/address.h"
#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "common/core/log/log_settings.h"
#include "common/core/time.h"
#include "vrrpd/core/config/auth_keys.h"
#include "vrrpd/core/config/route_config.h"
#include "vrrpd/core/config/track_config.h"

namespace vrrpd::config {

using common::Duration;

enum class InitialState { Backup, Master };
enum class AuthType { None, Pass };

// keepalived's e-mail alerts (smtp_alert): one mail per transition.
struct MailSettings {
  std::vector<std::string> to;                  // notification_email (repeatable)
  std::string from;                             // notification_email_from; empty: vrrpd@HOST
  std::optional<common::net::Endpoint> server;  // smtp_server = ADDRESS [PORT] (port 25)
  std::string helo_name;                        // smtp_helo_name; empty: the host name
  Duration connect_timeout{30'000};             // smtp_connect_timeout
  bool alert = false;                           // smtp_alert: the default of instances and groups
  bool no_faults = false;                       // no_email_faults: FAULT transitions are not mailed
};

struct Global {
  std::string router_id;  // empty: the host name
  MailSettings mail;
  common::log::LogSettings log;
  std::string pidfile;
  std::string status_file;
  std::optional<std::string> script_user;  // default user of notify and track scripts
  std::string notify_fifo;                 // empty: none
  std::string vmac_prefix = "vrrp";        // use_vmac without a name: PREFIX.VRID
  // Short adverts that do not lie (keepalived's vrrp_rt_priority,
  // vrrp_no_swap, vrrp_rlimit_rttime): SCHED_RR at this priority (0: off),
  // memory locked, and the CPU time vrrpd may run at that priority without
  // sleeping before it is put back to normal scheduling for a second.
  std::uint32_t realtime_priority = 0;
  bool no_swap = false;
  Duration rlimit_rttime{10};
};

// What a backup does on a priority-0 advert (RFC 5798 6.4.2 waits Skew_Time).
// auto: with exactly one peer (one unicast_peer) it takes over at once, as
// Skew_Time only orders several backups; always: always waits Skew_Time.
enum class SkewOnPriorityZero { Auto, Always };

// A configured command (notify_master ...): the text and its argv.
struct Command {
  std::string text;
  std::vector<std::string> argv;
  friend bool operator==(const Command&, const Command&) = default;
};

// keepalived's notify hooks. The state-specific ones run exactly as
// configured; `notify` gets four more arguments: INSTANCE|GROUP, name,
// MASTER|BACKUP|FAULT|STOP, priority.
struct NotifyCommands {
  std::optional<Command> master;
  std::optional<Command> backup;
  std::optional<Command> fault;
  std::optional<Command> stop;
  std::optional<Command> generic;
  friend bool operator==(const NotifyCommands&, const NotifyCommands&) = default;
};

// `vip = 10.0.0.10/24 dev eth1 label eth1:vip scope global`
struct VirtualAddress {
  common::net::Cidr address;  // host bits kept: 10.0.0.10/24
  std::string device;         // empty: the instance interface
  std::string label;
  std::string scope = "global";  // global | site | link | host
  bool excluded = false;         // vip_excluded: held with the VIPs, not listed in adverts
  int line = 0;

  std::string to_string() const;
  friend bool operator==(const VirtualAddress&, const VirtualAddress&) = default;
};

struct Instance {
  std::string name;
  std::string interface;
  InitialState state = InitialState::Backup;
  std::uint32_t priority = 100;
  std::uint32_t vrid = 0;
  std::uint32_t version = 2;
  Duration advert_interval{1000};
  bool preempt = true;
  Duration preempt_delay{0};
  std::optional<common::net::IpAddress> unicast_source;
  std::vector<common::net::IpAddress> unicast_peers;
  AuthType auth_type = AuthType::None;
  std::string auth_pass;
  AuthHmac auth_hmac = AuthHmac::Off;
  std::string key_file;              // auth_hmac's keys (config/auth_keys.h), mode 0600
  std::uint32_t active_key = 1;      // the key id that signs
  Duration replay_window{60'000};    // a sender's first advert must be this close to our clock
  std::vector<VirtualAddress> vips;  // vip and vip_excluded
  std::vector<VirtualRoute> routes;  // route: keepalived's virtual_routes, while MASTER
  std::vector<VirtualRule> rules;    // rule: keepalived's virtual_rules, while MASTER
  SkewOnPriorityZero skew_on_priority_zero = SkewOnPriorityZero::Auto;
  bool dont_track_primary = false;  // the interface going down is no fault (keepalived's dont_track_primary)
  // use_vmac: the VIPs and adverts go on a macvlan of <interface> with the
  // RFC 5798 virtual router MAC, named this (empty: vmac_prefix.VRID).
  std::optional<std::string> vmac;
  bool vmac_xmit_base = false;  // adverts on <interface> itself; the VIPs still on the VMAC
  Duration garp_master_delay{5000};
  std::uint32_t garp_master_repeat = 5;
  Duration garp_master_refresh{0};
  std::vector<std::string> track;  // tracker names
  NotifyCommands notify;
  Duration notify_timeout{30'000};
  Duration master_refresh{0};      // re-run notify_master every ... while MASTER (0 = off)
  std::optional<bool> smtp_alert;  // mail its transitions; absent: [global] smtp_alert
  int line = 0;

  bool unicast() const { return !unicast_peers.empty(); }
  common::net::Family family() const;
  friend bool operator==(const Instance&, const Instance&) = default;
};

// The name of <in>'s VMAC interface (use_vmac), or "" without one.
std::string vmac_name(const Instance& in, const Global& global);

// Same settings, wherever in the file they are (line numbers ignored): a
// reload keeps such an instance running untouched. auth_hmac's settings are
// not compared: the running instance takes them in place (key rotation).
bool same_settings(Instance a, Instance b);

struct SyncGroup {
  std::string name;
  std::vector<std::string> instances;
  NotifyCommands notify;
  std::optional<bool> smtp_alert;  // mail the group's transitions; absent: [global] smtp_alert
  int line = 0;
};

struct VrrpConfig {
  std::string source;
  // The files a keepalived.conf's includes read (IniDocument::spans):
  // where() turns a line number of the model into its file:line.
  std::vector<common::config::IniFileSpan> spans;
  Global global;
  std::vector<Instance> instances;
  std::vector<SyncGroup> sync_groups;
  std::vector<Tracker> trackers;

  common::config::Location where(int line) const;
  const Instance* find_instance(std::string_view name) const;
  const Tracker* find_tracker(std::string_view name) const;
};

VrrpConfig load_vrrp_config(const common::config::IniDocument& doc, common::config::Diagnostics& diagnostics);

common::Result<VirtualAddress> parse_virtual_address(std::string_view value);

// `smtp_server = 192.0.2.25 [PORT]` (or ADDRESS:PORT); port 25 by default.
common::Result<std::optional<common::net::Endpoint>> parse_smtp_server(std::string_view value);

}  // namespace vrrpd::config
