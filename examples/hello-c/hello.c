/* The C example of vitte-buildkit: one source that `vitte-buildkit cross`
 * builds for Linux, Windows and WebAssembly (see buildkit.toml). */
#if defined(__wasm__) && !defined(__wasi__)
/* Bare wasm32 has no C library: the module exports the greeting instead. */
__attribute__((export_name("greeting"))) const char *greeting(void) {
    return "Hello, world!";
}
#else
#include <stdio.h>

int main(void) {
    puts("Hello, world!");
    return 0;
}
#endif
