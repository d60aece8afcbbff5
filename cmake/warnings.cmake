# Warnings are errors on project code (third-party headers come from system
# include directories, where the compiler keeps quiet).
function(hapair_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O2 reports -Wrestrict on plain std::string concatenation
    # (GCC bug 105329) and -Wstringop-overflow / -Warray-bounds on vectors
    # built from initializer lists, -Wstringop-overread on their copies (bugs
    # 106199, 107852): false positives,
    # fixed in GCC 13. Real overflows are caught by the ASan+UBSan suite.
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow -Wno-stringop-overread
                                             -Wno-array-bounds)
  endif()
endfunction()
