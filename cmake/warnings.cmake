# Warnings are errors on project code (third-party headers come from system
# include directories, where the compiler keeps quiet).
function(hapair_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports -Wrestrict on plain std::string concatenation once
    # inlined at -O2 (GCC bug 105329, fixed in 13): a false positive.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
