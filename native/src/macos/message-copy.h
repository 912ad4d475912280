// Copies what execwatch uses out of an es_message_t into an owned EsMessageRecord.
//
// Runs inside the ES handler, so it only reads and copies: no logging, no locks, no JS. Every
// field that Apple marks "available only if message version >= N" is read only when the
// message's version is at least N; fields from SDKs newer than the one we build with sit behind
// __MAC_OS_X_VERSION_MAX_ALLOWED checks as well.
#ifndef EXECWATCH_NATIVE_MACOS_MESSAGE_COPY_H_
#define EXECWATCH_NATIVE_MACOS_MESSAGE_COPY_H_

#include <EndpointSecurity/EndpointSecurity.h>

#include <memory>

#include "../es-record.h"

namespace execwatch {

struct CopyOptions {
  // The environment of exec events carries secrets; it is copied only when asked for.
  bool includeEnv = false;
};

// Returns nullptr for event types other than NOTIFY_EXEC, NOTIFY_FORK and NOTIFY_EXIT.
std::unique_ptr<EsMessageRecord> CopyMessage(const es_message_t& message,
                                             const CopyOptions& options);

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_MACOS_MESSAGE_COPY_H_
