// smtp_alert's mail, worded as keepalived words it (the integration test
// compares it with a real Keepalived's), and the gate against repeats.
#include "vrrpd/core/notify/mail_alert.h"

#include <catch2/catch.hpp>

using namespace vrrpd::notify;

TEST_CASE("a transition's mail: keepalived's subject and body, instances and groups") {
  const auto master = mail_alert({Subject::Instance, "VI_1", NotifyState::Master, 150}, "lb1");
  CHECK(master.subject == "[lb1] VRRP Instance VI_1 - Entering MASTER state");
  CHECK(master.body == "=> VRRP Instance is now owning VRRP VIPs <=");
  const auto backup = mail_alert({Subject::Instance, "VI_1", NotifyState::Backup, 150}, "lb1");
  CHECK(backup.subject == "[lb1] VRRP Instance VI_1 - Entering BACKUP state");
  CHECK(backup.body == "=> VRRP Instance is no longer owning VRRP VIPs <=");
  const auto fault = mail_alert({Subject::Instance, "VI_1", NotifyState::Fault, 150}, "lb1");
  CHECK(fault.subject == "[lb1] VRRP Instance VI_1 - Entering FAULT state");
  CHECK(fault.body == backup.body);
  const auto stop = mail_alert({Subject::Instance, "VI_1", NotifyState::Stop, 150}, "lb1");
  CHECK(stop.subject == "[lb1] VRRP Instance VI_1 - Stopping");
  CHECK(stop.body == "=> VRRP Instance stopping <=");
  const auto group = mail_alert({Subject::Group, "G1", NotifyState::Master, 0}, "lb1");
  CHECK(group.subject == "[lb1] VRRP Group G1 - Entering MASTER state");
  CHECK(group.body == "=> All VRRP group instances are now in MASTER state <=");
  CHECK(mail_alert({Subject::Group, "G1", NotifyState::Stop, 0}, "lb1").body ==
        "=> All VRRP group instances are now stopping <=");
}

TEST_CASE("the message: RFC 5322 headers with CRLF, the recipients in To, a UTC date") {
  CHECK(mail_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(mail_date(1796667826) == "Mon, 07 Dec 2026 18:23:46 +0000");
  const auto message = mail_message({"[lb1] VRRP Instance VI_1 - Entering MASTER state", "=> body <="},
                                    "lb@example.test", {"ops@example.test", "oncall@example.test"}, 1796667826);
  CHECK(message ==
        "Date: Mon, 07 Dec 2026 18:23:46 +0000\r\nFrom: lb@example.test\r\n"
        "Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state\r\nX-Mailer: vrrpd\r\n"
        "To: ops@example.test, oncall@example.test\r\n\r\n=> body <=\r\n\r\n");
}

TEST_CASE("a state already mailed for the same instance or group is not mailed again") {
  MailGate gate;
  CHECK(gate.admit({Subject::Instance, "VI_1", NotifyState::Backup, 100}));
  CHECK_FALSE(gate.admit({Subject::Instance, "VI_1", NotifyState::Backup, 90}));
  CHECK(gate.admit({Subject::Group, "VI_1", NotifyState::Backup, 0}));  // a group of that name is another subject
  CHECK(gate.admit({Subject::Instance, "VI_1", NotifyState::Master, 100}));
  CHECK(gate.admit({Subject::Instance, "VI_1", NotifyState::Backup, 100}));
  CHECK(gate.admit({Subject::Instance, "VI_2", NotifyState::Backup, 100}));
}
