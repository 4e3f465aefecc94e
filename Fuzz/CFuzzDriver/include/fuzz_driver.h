#ifndef HERALD_FUZZ_DRIVER_H
#define HERALD_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef int (*herald_fuzz_callback)(const uint8_t *data, size_t size);

/// Whether this binary was built with libFuzzer (tools/fuzz builds it so).
int herald_fuzz_has_libfuzzer(void);

/// Hands control to libFuzzer, which parses its own flags from argv. Only with libFuzzer.
int herald_fuzz_run(int *argc, char ***argv, herald_fuzz_callback callback);

#endif
