# The house rule (see README "Layout"): a *_core library is pure. It links
# nothing but common_core, and common_core links only pure libraries (fmt,
# inih, tl::expected, nlohmann_json: codecs without I/O). proxyd_core may
# also link PCRE2 (the rule language's regular expressions: computation on
# strings, no I/O) and libxcrypt (userlist password hashes: computation). The header rule is checked by the core_purity test.
set(HAPAIR_PURE_LIBRARIES common_core fmt::fmt PkgConfig::INIH hapair::expected nlohmann_json::nlohmann_json)

function(hapair_check_core_purity)
  foreach(target IN LISTS ARGN)
    get_target_property(libs ${target} LINK_LIBRARIES)
    if(NOT libs)
      continue()
    endif()
    foreach(lib IN LISTS libs)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
      if(target STREQUAL "common_core")
        set(allowed ${HAPAIR_PURE_LIBRARIES})
      elseif(target STREQUAL "proxyd_core")
        set(allowed common_core PkgConfig::PCRE2 PkgConfig::LIBCRYPT)
      else()
        set(allowed common_core)
      endif()
      if(NOT lib IN_LIST allowed)
        message(FATAL_ERROR "${target} links '${lib}': core libraries may link only ${allowed}")
      endif()
    endforeach()
  endforeach()
endfunction()
