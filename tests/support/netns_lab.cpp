#include "support/netns_lab.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <regex>

#include "common/core/text.h"

namespace testing {
namespace {

std::atomic<int> lab_counter{0};

std::string capture_stdout(std::vector<std::string> argv) {
  // ProcessResult keeps only stderr's first line; route stdout through a
  // temporary file for commands whose output we need.
  char path[] = "/tmp/hapair-lab-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  common::io::SpawnOptions options;
  options.argv = std::move(argv);
  options.stdout_file = path;
  options.timeout = std::chrono::seconds(20);
  REQUIRE(common::io::run_process(options).has_value());
  std::string out;
  if (FILE* f = std::fopen(path, "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  ::unlink(path);
  return out;
}

void sweep_stale_labs() {
  static const std::regex pattern("^ht([0-9]+)x[0-9]+-");
  for (const auto& name : NetnsLab::list_namespaces()) {
    std::smatch m;
    if (!std::regex_search(name, m, pattern)) continue;
    const auto pid = static_cast<pid_t>(std::stol(m[1]));
    if (pid != ::getpid() && ::kill(pid, 0) != 0) run({"ip", "netns", "delete", name});
  }
}

}  // namespace

common::io::ProcessResult run(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  common::io::SpawnOptions options;
  options.argv = std::move(argv);
  options.timeout = std::chrono::duration_cast<common::Duration>(timeout);
  auto result = common::io::run_process(options);
  REQUIRE(result.has_value());
  return *result;
}

std::vector<std::string> NetnsLab::list_namespaces() {
  std::vector<std::string> out;
  const auto text = capture_stdout({"ip", "netns", "list"});
  for (const auto line : common::text::split_words(text)) {
    if (line.starts_with("(")) continue;  // "(id: 3)"
    out.emplace_back(line);
  }
  return out;
}

NetnsLab::NetnsLab() : prefix_(fmt::format("ht{}x{}-", ::getpid(), lab_counter++)) {
  sweep_stale_labs();
}

void kill_namespace_processes(const std::string& ns) {
  const auto pids = capture_stdout({"ip", "netns", "pids", ns});
  for (const auto word : common::text::split_words(pids)) {
    ::kill(static_cast<pid_t>(std::stol(std::string(word))), SIGKILL);
  }
}

NetnsLab::~NetnsLab() {
  for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it) {
    // Processes left inside would keep the namespace alive: kill them first.
    kill_namespace_processes(*it);
    common::io::SpawnOptions options;
    options.argv = {"ip", "netns", "delete", *it};
    options.timeout = std::chrono::seconds(10);
    (void)common::io::run_process(options);
  }
}

std::string NetnsLab::ns(const std::string& node) const {
  return prefix_ + node;
}

void NetnsLab::kill_all(const std::string& node) {
  kill_namespace_processes(ns(node));
}

std::string NetnsLab::add_node(const std::string& name) {
  const auto full = ns(name);
  REQUIRE(run({"ip", "netns", "add", full}).success());
  namespaces_.push_back(full);
  REQUIRE(run({"ip", "-n", full, "link", "set", "lo", "up"}).success());
  return full;
}

void NetnsLab::connect(const std::string& node, const std::string& ifname, const std::string& cidr,
                       const std::string& mac) {
  const auto sw = switch_ns();
  if (!switch_ready_) {
    REQUIRE(run({"ip", "netns", "add", sw}).success());
    namespaces_.insert(namespaces_.begin(), sw);
    REQUIRE(run({"ip", "-n", sw, "link", "add", "br0", "type", "bridge", "forward_delay", "0"}).success());
    REQUIRE(run({"ip", "-n", sw, "link", "set", "br0", "up"}).success());
    switch_ready_ = true;
  }
  const auto port = fmt::format("p{}", veth_count_++);
  auto result = run({"ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", ifname, "netns", ns(node)});
  INFO("veth creation: " << result.stderr_first_line);
  REQUIRE(result.success());
  REQUIRE(run({"ip", "-n", sw, "link", "set", port, "master", "br0", "up"}).success());
  if (!mac.empty()) REQUIRE(run({"ip", "-n", ns(node), "link", "set", ifname, "address", mac}).success());
  REQUIRE(run({"ip", "-n", ns(node), "addr", "add", cidr, "dev", ifname}).success());
  REQUIRE(run({"ip", "-n", ns(node), "link", "set", ifname, "up"}).success());
}

common::io::ProcessResult NetnsLab::exec(const std::string& node, std::vector<std::string> argv,
                                         std::chrono::milliseconds timeout) {
  std::vector<std::string> full{"ip", "netns", "exec", ns(node)};
  full.insert(full.end(), argv.begin(), argv.end());
  return run(std::move(full), timeout);
}

void NetnsLab::must(const std::string& node, std::vector<std::string> argv) {
  const auto joined = common::text::join(argv, " ");
  const auto result = exec(node, std::move(argv));
  INFO(node << ": " << joined << ": " << result.describe() << " " << result.stderr_first_line);
  REQUIRE(result.success());
}

std::string NetnsLab::addresses(const std::string& node, const std::string& ifname) {
  return capture_stdout({"ip", "-n", ns(node), "-o", "addr", "show", "dev", ifname});
}

}  // namespace testing
