# Warnings are errors on project code (third-party headers come from system
# include directories, where the compiler keeps quiet).
function(hapair_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Werror)
endfunction()
