#ifndef HERALD_SYSTEM_H
#define HERALD_SYSTEM_H

#include <stdint.h>

/// The peer of a Unix socket, as SO_PEERCRED reports it. Laid out like Linux's struct ucred,
/// which Swift's Glibc module does not expose.
typedef struct {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
} herald_peer_credentials;

/// The option name of SO_PEERCRED on this system, or -1 where there is none.
int herald_so_peercred(void);

#endif
