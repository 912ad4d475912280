// The one wrapper around the Endpoint Security client API.
//
// Start creates the client with a handler block, mutes our own process, applies the configured
// target-path mutes and subscribes to NOTIFY_EXEC, NOTIFY_FORK and NOTIFY_EXIT. The handler
// counts sequence gaps, copies the message into an owned record, offers it to the RecordPump and
// returns: it never waits for JavaScript and never lets an exception escape.
//
// Threads: Start and Stop run on the JS thread; Apple requires es_delete_client on the thread
// that called es_new_client, so Stop (or the environment's cleanup hook) deletes it there.
// Failures are reported, never aborted on: a failed es_new_client yields its raw result name
// (src/sources/es-errors.ts turns it into a code and a sentence).
#ifndef EXECWATCH_NATIVE_MACOS_ES_CLIENT_H_
#define EXECWATCH_NATIVE_MACOS_ES_CLIENT_H_

#include <EndpointSecurity/EndpointSecurity.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "../record-pump.h"
#include "../sequence-tracker.h"
#include "message-copy.h"

namespace execwatch {

struct PathMute {
  std::string path;
  bool isPrefix = true;  // false: the literal path only
};

struct ClientOptions {
  CopyOptions copy;
  std::vector<PathMute> mutes;
};

// What the handler shares with the JS side; alive as long as either holds it.
struct ClientShared {
  std::shared_ptr<RecordPump> pump;
  SequenceTracker sequences;
  std::atomic<uint64_t> copyFailures{0};
  std::atomic<uint64_t> ignoredMessages{0};
};

struct StartResult {
  bool ok = false;
  std::string errorCode;  // e.g. "ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED", "ES_SUBSCRIBE_FAILED"
  std::string detail;
  std::vector<std::string> muteFailures;  // paths that es_mute_path rejected (not fatal)
};

class EsClient {
 public:
  EsClient() = default;
  ~EsClient();
  EsClient(const EsClient&) = delete;
  EsClient& operator=(const EsClient&) = delete;

  StartResult Start(const ClientOptions& options, std::shared_ptr<ClientShared> shared);
  void Stop();
  bool IsRunning() const { return client_ != nullptr; }

 private:
  bool MuteSelf();
  std::vector<std::string> ApplyPathMutes(const std::vector<PathMute>& mutes);

  es_client_t* client_ = nullptr;
};

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_MACOS_ES_CLIENT_H_
