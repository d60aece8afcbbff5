#include "vrrpd/core/notify/mail_alert.h"

#include <fmt/format.h>

#include <array>

namespace vrrpd::notify {
namespace {

std::string_view instance_body(NotifyState state) {
  switch (state) {
    case NotifyState::Master:
      return "=> VRRP Instance is now owning VRRP VIPs <=";
    case NotifyState::Backup:
    case NotifyState::Fault:
      return "=> VRRP Instance is no longer owning VRRP VIPs <=";
    case NotifyState::Stop:
      return "=> VRRP Instance stopping <=";
  }
  return {};
}

std::string group_body(NotifyState state) {
  if (state == NotifyState::Stop) return "=> All VRRP group instances are now stopping <=";
  return fmt::format("=> All VRRP group instances are now in {} state <=", state_word(state));
}

std::string what(NotifyState state) {
  return state == NotifyState::Stop ? std::string("Stopping") : fmt::format("Entering {} state", state_word(state));
}

}  // namespace

MailAlert mail_alert(const Transition& transition, std::string_view router_id) {
  const bool group = transition.subject == Subject::Group;
  return {fmt::format("[{}] VRRP {} {} - {}", router_id, group ? "Group" : "Instance", transition.name,
                      what(transition.state)),
          group ? group_body(transition.state) : std::string(instance_body(transition.state))};
}

std::string mail_date(std::time_t unix_time) {
  static constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm t{};
  ::gmtime_r(&unix_time, &t);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[static_cast<std::size_t>(t.tm_wday)], t.tm_mday,
                     kMonths[static_cast<std::size_t>(t.tm_mon)], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
}

std::string mail_message(const MailAlert& alert, std::string_view from, const std::vector<std::string>& to,
                         std::time_t unix_time) {
  std::string recipients;
  for (const auto& address : to) recipients += (recipients.empty() ? "" : ", ") + address;
  // The body ends with an empty line, as Keepalived ends it.
  return fmt::format("Date: {}\r\nFrom: {}\r\nSubject: {}\r\nX-Mailer: vrrpd\r\nTo: {}\r\n\r\n{}\r\n\r\n",
                     mail_date(unix_time), from, alert.subject, recipients, alert.body);
}

bool MailGate::admit(const Transition& transition) {
  const auto [it, fresh] = last_.try_emplace({transition.subject, transition.name}, transition.state);
  if (fresh) return true;
  if (it->second == transition.state) return false;
  it->second = transition.state;
  return true;
}

}  // namespace vrrpd::notify
