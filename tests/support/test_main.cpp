// Catch2 main shared by the test binaries. A test case tagged [root] needs
// root (network namespaces, raw sockets); run alone without root it exits 77,
// which CTest reports as skipped rather than passed.
#define CATCH_CONFIG_RUNNER
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  if (::geteuid() != 0 && !session.config().listTestNamesOnly()) {
    // Skip when every selected test needs root (CTest runs them one by one);
    // in a mixed run the [root] tests check for themselves.
    const auto& spec = session.config().testSpec();
    const auto selected = Catch::filterTests(Catch::getAllTestCasesSorted(session.config()), spec, session.config());
    bool all_root = !selected.empty();
    for (const auto& test : selected) {
      bool root = false;
      for (const auto& tag : test.tags) root = root || tag == "root";
      all_root = all_root && root;
    }
    if (all_root) {
      std::fprintf(stderr, "SKIP: needs root (network namespaces, raw sockets, uid switch)\n");
      return 77;
    }
  }
  return session.run();
}
