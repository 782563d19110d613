# Warnings and sanitizers for project targets only (never for third-party code).
function(nchip_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(NCHIP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
