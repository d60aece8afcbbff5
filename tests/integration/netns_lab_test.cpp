// The namespace lab helper itself: builds a two-node topology that really
// passes traffic, and leaves nothing behind.
#include <catch2/catch.hpp>

#include "support/netns_lab.h"

TEST_CASE("a lab connects nodes through a bridge and is removed afterwards", "[root]") {
  std::string prefix;
  {
    testing::NetnsLab lab;
    prefix = lab.prefix();
    lab.add_node("a");
    lab.add_node("b");
    lab.connect("a", "eth1", "10.99.0.1/24", "02:99:00:00:00:01");
    lab.connect("b", "eth1", "10.99.0.2/24");
    CHECK(lab.addresses("a", "eth1").find("10.99.0.1/24") != std::string::npos);
    lab.must("a", {"ping", "-c", "1", "-W", "5", "10.99.0.2"});
    // Names are unique to this lab.
    const auto all = testing::NetnsLab::list_namespaces();
    CHECK(std::count_if(all.begin(), all.end(), [&](const std::string& n) { return n.starts_with(prefix); }) == 3);
  }
  for (const auto& name : testing::NetnsLab::list_namespaces()) CHECK_FALSE(name.starts_with(prefix));
}

TEST_CASE("a lab is cleaned up when a test fails inside it", "[root]") {
  std::string prefix;
  try {
    testing::NetnsLab lab;
    prefix = lab.prefix();
    lab.add_node("x");
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error&) {
  }
  for (const auto& name : testing::NetnsLab::list_namespaces()) CHECK_FALSE(name.starts_with(prefix));
}
