// core/pipe_stream.h: the `pipe:CMD` implementation behind open_input_stream (core-internal).
//
// Callers outside core use open_input_stream("pipe:CMD"); this header exists so the child
// process handling lives in its own file and can be tested on its own.
#pragma once

#include <memory>
#include <string>

#include "core/stream.h"

namespace clipret::core {

// Runs `command` under `/bin/sh -c` with stdin from /dev/null and returns its stdout as a
// stream named `name`. The child gets its own process group. Its stderr is drained while
// reading and its last ~2 KB kept: when the command exits non-zero (or dies by a signal), the
// read that reaches end of stream throws Error(kIo) naming the command, the status and that
// stderr tail. Destroying the stream before the end kills the group (SIGKILL) and reaps the
// child. Throws Error(kIo) when the command cannot be started.
std::unique_ptr<InputStream> open_pipe_stream(const std::string& command, std::string name);

}  // namespace clipret::core
