// libuv, for the file watcher behind `invoker serve --watch` (Sources/Invoker/Watch). Only its file events are used:
// uv_spawn and uv_signal would install libuv's own SIGCHLD handler in a process that spawns and reaps its workers.
#include <uv.h>
