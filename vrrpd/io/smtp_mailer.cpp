#include "vrrpd/io/smtp_mailer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace vrrpd::io {

SmtpMailer::SmtpMailer(common::io::EventLoop& loop, common::log::Logger& logger, config::MailSettings settings,
                       std::string host)
    : logger_(logger), settings_(std::move(settings)), curl_(loop) {
  const auto& server = *settings_.server;
  const auto address = server.address.to_string();
  server_ = fmt::format("[{}]:{}", address, server.port);
  if (settings_.from.empty()) settings_.from = "vrrpd@" + host;
  const auto helo = settings_.helo_name.empty() ? host : settings_.helo_name;
  const bool v6 = server.address.family() == common::net::Family::V6;
  // The path of an smtp:// URL is the name said in EHLO/HELO.
  url_ = fmt::format("smtp://{}{}{}:{}/{}", v6 ? "[" : "", address, v6 ? "]" : "", server.port, helo);
}

SmtpMailer::~SmtpMailer() {
  for (auto& mail : mails_) {
    curl_.cancel(mail.easy);
    release(mail);
  }
}

void SmtpMailer::release(Mail& mail) {
  curl_slist_free_all(mail.recipients);
  curl_easy_cleanup(mail.easy);
}

std::size_t SmtpMailer::read(char* buffer, std::size_t size, std::size_t count, void* mail_ptr) {
  auto* mail = static_cast<Mail*>(mail_ptr);
  const auto n = std::min(size * count, mail->message.size() - mail->sent);
  std::memcpy(buffer, mail->message.data() + mail->sent, n);
  mail->sent += n;
  return n;
}

void SmtpMailer::send(const notify::MailAlert& alert) {
  if (mails_.size() >= kMaxInFlight) {
    logger_.warning("SMTP alert dropped ({} mails already waiting for {}): {}", mails_.size(), server_, alert.subject);
    return;
  }
  auto& mail = mails_.emplace_back();
  mail.message = notify::mail_message(alert, settings_.from, settings_.to, std::time(nullptr));
  mail.easy = curl_easy_init();
  for (const auto& to : settings_.to) mail.recipients = curl_slist_append(mail.recipients, ("<" + to + ">").c_str());
  const auto timeout = static_cast<long>(settings_.connect_timeout.count());
  curl_easy_setopt(mail.easy, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(mail.easy, CURLOPT_MAIL_FROM, ("<" + settings_.from + ">").c_str());
  curl_easy_setopt(mail.easy, CURLOPT_MAIL_RCPT, mail.recipients);
  curl_easy_setopt(mail.easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(mail.easy, CURLOPT_READFUNCTION, &SmtpMailer::read);
  curl_easy_setopt(mail.easy, CURLOPT_READDATA, &mail);
  curl_easy_setopt(mail.easy, CURLOPT_CONNECTTIMEOUT_MS, timeout);
  curl_easy_setopt(mail.easy, CURLOPT_TIMEOUT_MS, 2 * timeout);  // the whole exchange
  curl_easy_setopt(mail.easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(mail.easy, CURLOPT_NOPROXY, "*");
  Mail* pointer = &mail;
  curl_.start(mail.easy, [this, pointer](CURLcode result, long) { finished(pointer, result); });
}

void SmtpMailer::finished(Mail* mail, CURLcode result) {
  switch (result) {
    case CURLE_OK:
      logger_.info("Remote SMTP server {} connected.", server_);
      logger_.info("SMTP alert successfully sent.");
      break;
    case CURLE_OPERATION_TIMEDOUT:
      logger_.warning("Timeout connecting SMTP server {}.", server_);
      break;
    case CURLE_COULDNT_CONNECT:
      logger_.warning("SMTP connection ERROR to {}.", server_);
      break;
    default:
      logger_.warning("SMTP alert to {} failed: {}.", server_, curl_easy_strerror(result));
      break;
  }
  const auto it = std::find_if(mails_.begin(), mails_.end(), [mail](const Mail& m) { return &m == mail; });
  if (it == mails_.end()) return;
  release(*it);
  mails_.erase(it);
}

}  // namespace vrrpd::io
