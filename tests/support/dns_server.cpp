#include "support/dns_server.h"

#include <fmt/format.h>
#include <signal.h>

#include <cstdlib>
#include <stdexcept>

#include "support/tcp_backend.h"

using namespace std::chrono_literals;

namespace testing {

namespace {

// dnsmasq logs "read FILE - N names" (or "N addresses") each time it reads the hosts file.
int count_reads(const std::string& log, const std::string& file) {
  int n = 0;
  for (auto at = log.find("read " + file); at != std::string::npos; at = log.find("read " + file, at + 1)) ++n;
  return n;
}

}  // namespace

bool DnsServer::available() {
  return std::system("command -v dnsmasq >/dev/null 2>&1") == 0;
}

DnsServer::DnsServer(const std::string& hosts, const std::vector<std::string>& srv) : port_(free_port()) {
  const auto file = dir_.write("hosts", hosts);
  std::vector<std::string> argv{"dnsmasq",
                                "--no-daemon",
                                "--conf-file=/dev/null",
                                "--user=root",
                                fmt::format("--port={}", port_),
                                "--listen-address=127.0.0.1",
                                "--bind-interfaces",
                                "--no-resolv",
                                "--no-hosts",
                                "--addn-hosts=" + file,
                                "--local=/test/",
                                "--pid-file=" + dir_.file("pid")};
  for (const auto& record : srv) argv.push_back("--srv-host=" + record);
  daemon_ = std::make_unique<DaemonRunner>(argv, dir_.file("dnsmasq.log"));
  if (!daemon_->wait_for_log("read " + file, 10s)) throw std::runtime_error("dnsmasq did not start: " + daemon_->log());
  reads_ = 1;
}

std::string DnsServer::address() const {
  return fmt::format("127.0.0.1:{}", port_);
}

void DnsServer::set(const std::string& hosts) {
  const auto file = dir_.write("hosts", hosts);
  daemon_->signal(SIGHUP);
  ++reads_;
  if (!eventually([&] { return count_reads(daemon_->log(), file) >= reads_; }, 10s)) {
    throw std::runtime_error("dnsmasq did not reread its hosts: " + daemon_->log());
  }
}

}  // namespace testing
