// smtp_alert's mail: each message goes through libcurl's SMTP client on the
// CurlLoop, so the loop never waits on a slow or dead mail server (bounded
// by smtp_connect_timeout). Logged in keepalived's words:
//   Remote SMTP server [192.0.2.25]:25 connected.
//   SMTP alert successfully sent.
//   SMTP connection ERROR to [192.0.2.25]:25.
//   Timeout connecting SMTP server [192.0.2.25]:25.
#pragma once

#include <curl/curl.h>

#include <list>
#include <memory>
#include <string>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/core/notify/mail_alert.h"
#include "vrrpd/io/curl_loop.h"

namespace vrrpd::io {

class SmtpMailer {
 public:
  // At most this many mails in flight; beyond, a mail is dropped and logged.
  static constexpr std::size_t kMaxInFlight = 16;

  // <settings>.server and .to must be set; <host> names this node (the
  // default HELO name and sender domain).
  SmtpMailer(common::io::EventLoop& loop, common::log::Logger& logger, config::MailSettings settings, std::string host);
  ~SmtpMailer();
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  void send(const notify::MailAlert& alert);

 private:
  struct Mail {
    CURL* easy = nullptr;
    curl_slist* recipients = nullptr;
    std::string message;
    std::size_t sent = 0;
  };
  static std::size_t read(char* buffer, std::size_t size, std::size_t count, void* mail);
  void finished(Mail* mail, CURLcode result);
  static void release(Mail& mail);

  common::log::Logger& logger_;
  config::MailSettings settings_;
  std::string server_;  // "[192.0.2.25]:25", as keepalived shows it
  std::string url_;
  CurlLoop curl_;
  std::list<Mail> mails_;
};

}  // namespace vrrpd::io
