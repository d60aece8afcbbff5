// smtp_alert beside the real Keepalived: one keepalived.conf with e-mail
// alerts, run by Keepalived 2.2 on lb1 and vrrpd on lb2, then the other way
// round; each node mails a Python SMTP server in its own namespace. The
// mails lb1 sends (entering BACKUP, then MASTER, for the instance and its
// sync group) must be the same from both: envelope, subject, From, To and
// body. Date differs by nature and X-Mailer on purpose (vrrpd names
// itself; vrrpd/README.md).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;

namespace {

constexpr const char* kSink = R"(import smtpd, asyncore, sys
class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        text = data.decode() if isinstance(data, bytes) else data
        with open(sys.argv[1], 'a') as f:
            f.write('ENVELOPE %s -> %s\n%s\n=====\n' % (mailfrom, ','.join(rcpttos), text))
Sink(('127.0.0.1', 2525), None)
print('listening', flush=True)
asyncore.loop()
)";

std::string conf() {
  return fmt::format(R"(global_defs {{
   router_id ${{_INSTANCE}}
   notification_email {{
      ops@example.test
      oncall@example.test
   }}
   notification_email_from lb@example.test
   smtp_server 127.0.0.1 2525
   smtp_connect_timeout 5
}}
vrrp_sync_group G1 {{
   group {{
      VI_1
   }}
   smtp_alert
}}
vrrp_instance VI_1 {{
   state BACKUP
   interface eth1
   virtual_router_id 51
   @lb1 priority 150
   @lb2 priority 100
   advert_int 1
   smtp_alert
   virtual_ipaddress {{
      {}/24
   }}
}}
)",
                     VrrpLab::kVip);
}

// Each mail without its Date and X-Mailer lines, sorted.
std::vector<std::string> mails(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string mail;
  for (std::string line; std::getline(in, line);) {
    if (line == "=====") {
      out.push_back(mail);
      mail.clear();
    } else if (!line.starts_with("Date: ") && !line.starts_with("X-Mailer: ") && !line.starts_with("X-Peer: ")) {
      mail += line + "\n";
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lb1_mails(bool vrrpd_on_lb1) {
  VrrpLab lab;
  const auto sink = lab.dir().write("sink.py", kSink);
  std::vector<std::unique_ptr<testing::DaemonRunner>> sinks;
  for (const std::string node : {"lb1", "lb2"}) {
    sinks.push_back(std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{"ip", "netns", "exec", lab.lab().ns(node), "python3", "-W", "ignore", sink,
                                 lab.dir().file(node + ".mail")},
        lab.dir().file(node + ".sink.log")));
    REQUIRE(sinks.back()->wait_for_log("listening", 10s));
  }
  const auto path = lab.dir().write("keepalived.conf", conf());
  lab.start_on_keepalived_conf("lb1", !vrrpd_on_lb1, path);
  lab.start_on_keepalived_conf("lb2", vrrpd_on_lb1, path);
  REQUIRE(lab.wait_sole_master("lb1", 20s));
  const auto file = lab.dir().file("lb1.mail");
  (void)testing::eventually([&] { return mails(file).size() >= 4; }, 10s);
  std::this_thread::sleep_for(500ms);  // nothing more should come
  INFO("lb1's log:\n" << lab.daemon("lb1").log());
  const auto out = mails(file);
  if (vrrpd_on_lb1) {
    CHECK(lab.daemon("lb1").log().find("SMTP alert successfully sent.") != std::string::npos);
  }
  return out;
}

}  // namespace

TEST_CASE("smtp_alert: the mails vrrpd sends are Keepalived's, envelope, subject and body",
          "[vrrpd][keepalived][netns]") {
  if (::geteuid() != 0) {
    WARN("needs root (network namespaces)");
    return;
  }
  if (std::system("python3 -c 'import smtpd' 2>/dev/null") != 0) {
    WARN("python3's smtpd module is missing: skipped");
    return;
  }
  const auto keepalived = lb1_mails(false);
  const auto vrrpd = lb1_mails(true);
  INFO("Keepalived's:\n" << Catch::Detail::stringify(keepalived) << "\nvrrpd's:\n" << Catch::Detail::stringify(vrrpd));
  CHECK(keepalived.size() >= 2);
  CHECK(vrrpd == keepalived);
  const auto master = std::count_if(vrrpd.begin(), vrrpd.end(), [](const std::string& m) {
    return m.find("Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state") != std::string::npos &&
           m.find("=> VRRP Instance is now owning VRRP VIPs <=") != std::string::npos &&
           m.find("ENVELOPE lb@example.test -> ops@example.test,oncall@example.test") != std::string::npos;
  });
  CHECK(master == 1);
}
