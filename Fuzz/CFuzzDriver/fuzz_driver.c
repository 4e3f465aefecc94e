#include "fuzz_driver.h"

// libFuzzer's entry point for a program with its own main (libclang_rt.fuzzer_no_main). An
// ordinary build lacks it; that build replays inputs instead, so it still compiles and links.
#ifdef HERALD_FUZZING
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t));

int herald_fuzz_has_libfuzzer(void) { return 1; }

int herald_fuzz_run(int *argc, char ***argv, herald_fuzz_callback callback) {
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
#else
int herald_fuzz_has_libfuzzer(void) { return 0; }

int herald_fuzz_run(int *argc, char ***argv, herald_fuzz_callback callback) {
    (void)argc;
    (void)argv;
    (void)callback;
    return 1;
}
#endif
