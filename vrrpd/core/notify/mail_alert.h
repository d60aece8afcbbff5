// keepalived's smtp_alert: the e-mail of a transition, worded as keepalived
// words it (operators filter on the subject), and the message sent.
//   Subject: [ROUTER_ID] VRRP Instance VI_1 - Entering MASTER state
//   body:    => VRRP Instance is now owning VRRP VIPs <=
// Groups: "VRRP Group G1 - …", "=> All VRRP group instances are now in
// MASTER state <=". Only a state different from the last one mailed for the
// same instance or group is mailed (MailGate), as keepalived.
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vrrpd/core/notify/notify_plan.h"

namespace vrrpd::notify {

struct MailAlert {
  std::string subject;
  std::string body;
};

MailAlert mail_alert(const Transition& transition, std::string_view router_id);

// The RFC 5322 message: Date, From, Subject, X-Mailer, To, then the body;
// CRLF line ends. <unix_time> is formatted in UTC.
std::string mail_message(const MailAlert& alert, std::string_view from, const std::vector<std::string>& to,
                         std::time_t unix_time);

// "Mon, 07 Dec 2026 18:23:46 +0000"
std::string mail_date(std::time_t unix_time);

// Whether a transition is mailed: not when its state is the one last mailed
// for that instance or group.
class MailGate {
 public:
  bool admit(const Transition& transition);

 private:
  std::map<std::pair<Subject, std::string>, NotifyState> last_;
};

}  // namespace vrrpd::notify
