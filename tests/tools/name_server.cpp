// hapair-nameserver NAME ADDRESS:PORT [...]: a tiny HTTP/1.1 server for labs
// and tests that answers every request with its own name ("web1\n"), so a
// client sees which backend served it. Keep-alive and pipelining are
// honoured; one thread per connection; no dependency beyond libc.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/core/address.h"
#include "common/io/socket_address.h"

namespace {

void serve(int fd, std::string name) {
  std::string pending;
  char buf[8192];
  const std::string body = name + "\n";
  while (true) {
    const auto end = pending.find("\r\n\r\n");
    if (end == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      pending.append(buf, static_cast<std::size_t>(n));
      if (pending.size() > 65536) break;
      continue;
    }
    const std::string head = pending.substr(0, end);
    pending.erase(0, end + 4);
    const bool close = head.find("HTTP/1.0") != std::string::npos || head.find("onnection: close") != std::string::npos;
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Served-By: " + name +
                           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                           (close ? "Connection: close\r\n" : "") + "\r\n" + body;
    if (::send(fd, response.data(), response.size(), MSG_NOSIGNAL) < 0 || close) break;
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s NAME ADDRESS:PORT [ADDRESS:PORT...]\n", argv[0]);
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  const std::string name = argv[1];
  std::vector<std::thread> acceptors;
  for (int i = 2; i < argc; ++i) {
    const auto at = common::net::Endpoint::parse(argv[i]);
    if (!at) {
      std::fprintf(stderr, "bad address %s\n", argv[i]);
      return 2;
    }
    const auto sa = common::io::to_socket_address(*at);
    const int fd = ::socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, sa.get(), sa.length) != 0 || ::listen(fd, 4096) != 0) {
      std::perror(argv[i]);
      return 1;
    }
    acceptors.emplace_back([fd, name] {
      while (true) {
        const int client = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) std::thread(serve, client, name).detach();
      }
    });
  }
  std::printf("%s listening\n", name.c_str());
  std::fflush(stdout);
  for (auto& t : acceptors) t.join();
}
