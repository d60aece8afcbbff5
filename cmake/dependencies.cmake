# Every dependency is a Debian 12 package (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
pkg_check_modules(LIBNL REQUIRED IMPORTED_TARGET libnl-3.0 libnl-route-3.0)
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(LIBSYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(CAPNG REQUIRED IMPORTED_TARGET libcap-ng)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(LIBCRYPT REQUIRED IMPORTED_TARGET libcrypt)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)

# libev ships no pkg-config file on Debian.
find_path(LIBEV_INCLUDE_DIR ev.h REQUIRED)
find_library(LIBEV_LIBRARY ev REQUIRED)
add_library(hapair::libev UNKNOWN IMPORTED)
set_target_properties(hapair::libev PROPERTIES
  IMPORTED_LOCATION ${LIBEV_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${LIBEV_INCLUDE_DIR})

# tl::expected (libexpected-dev) is header-only and ships no CMake package.
find_path(TL_EXPECTED_INCLUDE_DIR tl/expected.hpp REQUIRED)
add_library(hapair::expected INTERFACE IMPORTED)
set_target_properties(hapair::expected PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES ${TL_EXPECTED_INCLUDE_DIR})
