// Receives every VRRP packet of one interface and address family, decodes
// it once and hands it to the instance with that VRID. Packets that do not
// decode, or name a VRID nobody here runs, are counted and logged (rate
// limited) with the sender and the reason.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common/core/log/logger.h"
#include "common/core/log/rate_limiter.h"
#include "common/io/event_loop.h"
#include "vrrpd/io/frame_tap.h"
#include "vrrpd/io/instance_runner.h"
#include "vrrpd/io/vrrp_socket.h"

namespace vrrpd::io {

class ReceiveDispatcher {
 public:
  static common::Result<std::unique_ptr<ReceiveDispatcher>> open(SharedServices services, const std::string& interface,
                                                                 int ifindex, common::net::Family family,
                                                                 bool join_group);
  void add(InstanceRunner* runner) { runners_.push_back(runner); }
  nlohmann::json status() const;

 private:
  ReceiveDispatcher(SharedServices services, std::string interface, VrrpReceiveSocket socket,
                    std::optional<FrameTap> tap);
  void on_readable();
  void dispatch(const ReceivedPacket& packet);

  SharedServices services_;
  std::string interface_;
  VrrpReceiveSocket socket_;
  std::optional<FrameTap> tap_;  // source MACs, for the peer MAC check
  std::vector<InstanceRunner*> runners_;
  common::io::IoWatcher watcher_;
  std::uint64_t malformed_ = 0;
  std::uint64_t unknown_vrid_ = 0;
};

}  // namespace vrrpd::io
