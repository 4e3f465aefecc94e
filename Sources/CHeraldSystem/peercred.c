#define _GNU_SOURCE
#include <sys/socket.h>
#include "CHeraldSystem.h"

int herald_so_peercred(void) {
#ifdef SO_PEERCRED
    _Static_assert(sizeof(struct ucred) == sizeof(herald_peer_credentials), "ucred layout");
    return SO_PEERCRED;
#else
    return -1;
#endif
}
