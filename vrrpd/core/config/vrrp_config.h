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

namespace vrrpd::config {

using common::Duration;

enum class InitialState { Backup, Master };
enum class AuthType { None, Pass };

struct Global {
  std::string router_id;  // empty: the host name
  common::log::LogSettings log;
  std::string pidfile;
  std::string status_file;
};

// `vip = 10.0.0.10/24 dev eth1 label eth1:vip scope global`
struct VirtualAddress {
  common::net::Cidr address;  // host bits kept: 10.0.0.10/24
  std::string device;         // empty: the instance interface
  std::string label;
  std::string scope = "global";  // global | site | link | host
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
  std::vector<VirtualAddress> vips;
  Duration garp_master_delay{5000};
  std::uint32_t garp_master_repeat = 5;
  Duration garp_master_refresh{0};
  int line = 0;

  bool unicast() const { return !unicast_peers.empty(); }
  common::net::Family family() const;
  friend bool operator==(const Instance&, const Instance&) = default;
};

// Same settings, wherever in the file they are (line numbers ignored): a
// reload keeps such an instance running untouched.
bool same_settings(Instance a, Instance b);

struct SyncGroup {
  std::string name;
  std::vector<std::string> instances;
  int line = 0;
};

struct VrrpConfig {
  std::string source;
  Global global;
  std::vector<Instance> instances;
  std::vector<SyncGroup> sync_groups;

  const Instance* find_instance(std::string_view name) const;
};

VrrpConfig load_vrrp_config(const common::config::IniDocument& doc, common::config::Diagnostics& diagnostics);

common::Result<VirtualAddress> parse_virtual_address(std::string_view value);

}  // namespace vrrpd::config
