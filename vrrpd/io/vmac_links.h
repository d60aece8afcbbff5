// use_vmac's macvlan interfaces (keepalived's VMAC): created on the
// instance's interface in private mode with the RFC 5798 virtual router MAC,
// up while vrrpd runs (a BACKUP's VMAC holds no address), removed when the
// instance goes. The base interface gets arp_ignore=1 and arp_filter=1 so
// only the VMAC answers ARP for the VIPs (the values it had are restored
// when its last VMAC goes); the VMAC gets rp_filter=0 and, as an IPv4
// interface, no IPv6. Through rtnetlink (libnl-3 route) and /proc/sys.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/core/log/logger.h"
#include "common/core/result.h"
#include "vrrpd/core/protocol/announcement.h"
#include "vrrpd/io/netlink_addresses.h"

namespace vrrpd::io {

class VmacLinks {
 public:
  static common::Result<VmacLinks> open(common::log::Logger& logger);
  ~VmacLinks();
  VmacLinks(VmacLinks&&) noexcept = default;
  VmacLinks& operator=(VmacLinks&&) = delete;
  VmacLinks(const VmacLinks&) = delete;
  VmacLinks& operator=(const VmacLinks&) = delete;

  // The VMAC <name> on <base> with <mac>, created unless vrrpd already made
  // it; a leftover macvlan of that name (a crash) is replaced. Its ifindex.
  common::Result<int> acquire(const std::string& name, const std::string& base, const protocol::MacAddress& mac);
  // Deletes the VMAC <name> (when vrrpd made it).
  void release(std::string name);
  // Deletes every VMAC vrrpd made that is not in <wanted> (after a reload).
  template <class Names>
  void keep_only(const Names& wanted) {
    std::vector<std::string> gone;
    for (const auto& [name, base] : links_) {
      if (!wanted.contains(name)) gone.push_back(name);
    }
    for (const auto& name : gone) release(name);
  }

 private:
  explicit VmacLinks(common::log::Logger& logger) : logger_(&logger) {}
  common::Status create(const std::string& name, int base_index, const protocol::MacAddress& mac);
  void remove_link(const std::string& name);
  void hold_base(const std::string& base);
  void release_base(const std::string& base);

  struct BaseHold {
    int users = 0;
    std::map<std::string, std::string> saved;  // sysctl key -> its value before
  };
  common::log::Logger* logger_;
  NlSockPtr sock_;
  std::map<std::string, std::string> links_;  // VMAC -> base
  std::map<std::string, BaseHold> bases_;
};

}  // namespace vrrpd::io
