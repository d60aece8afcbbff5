# HAPAIR_SANITIZE builds everything (tests included) with ASan + UBSan, and
# makes UBSan findings fatal so CTest sees them as failures.
if(HAPAIR_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${_san})
  add_link_options(${_san})
endif()

# HAPAIR_FUZZ instruments every library for coverage, so libFuzzer sees the
# code under test and not just the harness.
if(HAPAIR_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
