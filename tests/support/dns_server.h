// A real DNS server for the tests: Debian's dnsmasq on 127.0.0.1 (a port of
// its own), answering for names under .test from a hosts file the test
// rewrites (set() writes it and makes dnsmasq read it again with SIGHUP).
// Names under .test that the file lacks get NXDOMAIN; nothing is forwarded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/daemon_runner.h"

namespace testing {

class DnsServer {
 public:
  // <hosts>: "ADDRESS NAME" lines, as /etc/hosts. <srv>: SRV records as
  // dnsmasq's srv-host takes them ("_app._tcp.svc.test,node.test,8080,0,10":
  // name, target, port, priority, weight), fixed for the server's life.
  explicit DnsServer(const std::string& hosts, const std::vector<std::string>& srv = {});
  std::uint16_t port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT"
  // Replaces the records and waits until dnsmasq has read them.
  void set(const std::string& hosts);
  // False when dnsmasq is not installed (the test then skips).
  static bool available();

 private:
  TempDir dir_;
  std::uint16_t port_;
  std::unique_ptr<DaemonRunner> daemon_;
  int reads_ = 0;
};

}  // namespace testing
