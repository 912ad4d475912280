#include "es-client.h"

#include <Availability.h>
#include <mach/mach.h>

#include "../client-result-names.h"

namespace execwatch {
namespace {

static_assert(ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED ==
                  static_cast<int>(NewClientResult::kNotPermitted),
              "client-result-names.h mirrors es_new_client_result_t");
static_assert(ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS ==
                  static_cast<int>(NewClientResult::kTooManyClients),
              "client-result-names.h mirrors es_new_client_result_t");

const es_event_type_t kSubscribedEvents[] = {
    ES_EVENT_TYPE_NOTIFY_EXEC,
    ES_EVENT_TYPE_NOTIFY_FORK,
    ES_EVENT_TYPE_NOTIFY_EXIT,
};

// The body of the handler block: copy, count, offer, return. Nothing escapes.
void HandleMessage(const std::shared_ptr<ClientShared>& shared, const CopyOptions& options,
                   const es_message_t* message) {
  try {
    const bool hasSeqNum = message->version >= 2;
    const bool hasGlobalSeqNum = message->version >= 4;
    shared->sequences.Observe(
        static_cast<uint32_t>(message->event_type),
        hasSeqNum ? std::optional<uint64_t>(message->seq_num) : std::nullopt,
        hasGlobalSeqNum ? std::optional<uint64_t>(message->global_seq_num) : std::nullopt);

    std::unique_ptr<EsMessageRecord> record = CopyMessage(*message, options);
    if (!record) {
      shared->ignoredMessages.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    shared->pump->Offer(std::move(record));
  } catch (...) {
    // Out of memory while copying: the message is lost and counted, the client keeps running.
    shared->copyFailures.fetch_add(1, std::memory_order_relaxed);
  }
}

StartResult Failure(std::string code, std::string detail) {
  StartResult result;
  result.errorCode = std::move(code);
  result.detail = std::move(detail);
  return result;
}

}  // namespace

EsClient::~EsClient() { Stop(); }

StartResult EsClient::Start(const ClientOptions& options, std::shared_ptr<ClientShared> shared) {
  if (client_ != nullptr) return Failure("ES_ALREADY_STARTED", "the client is already running");

  const CopyOptions copyOptions = options.copy;
  es_client_t* client = nullptr;
  const es_new_client_result_t created =
      es_new_client(&client, ^(es_client_t*, const es_message_t* message) {
        HandleMessage(shared, copyOptions, message);
      });
  if (created != ES_NEW_CLIENT_RESULT_SUCCESS || client == nullptr) {
    return Failure(NewClientResultName(static_cast<int32_t>(created)), "es_new_client failed");
  }
  client_ = client;

  if (!MuteSelf()) {
    Stop();
    return Failure("ES_MUTE_SELF_FAILED", "es_mute_process failed for our own audit token");
  }

  StartResult result;
  result.muteFailures = ApplyPathMutes(options.mutes);

  const uint32_t eventCount = sizeof kSubscribedEvents / sizeof kSubscribedEvents[0];
  if (es_subscribe(client_, kSubscribedEvents, eventCount) != ES_RETURN_SUCCESS) {
    Stop();
    return Failure("ES_SUBSCRIBE_FAILED", "es_subscribe failed for exec, fork and exit");
  }

  result.ok = true;
  return result;
}

// Our own events would echo back (every child we spawn, every file we open); mute them at the
// source so they never reach the handler.
bool EsClient::MuteSelf() {
  audit_token_t self;
  mach_msg_type_number_t size = TASK_AUDIT_TOKEN_COUNT;
  const kern_return_t status =
      task_info(mach_task_self(), TASK_AUDIT_TOKEN, reinterpret_cast<task_info_t>(&self), &size);
  if (status != KERN_SUCCESS) return false;
  return es_mute_process(client_, &self) == ES_RETURN_SUCCESS;
}

std::vector<std::string> EsClient::ApplyPathMutes(const std::vector<PathMute>& mutes) {
  std::vector<std::string> failures;
#if defined(__MAC_13_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_13_0
  for (const PathMute& mute : mutes) {
    const es_mute_path_type_t type =
        mute.isPrefix ? ES_MUTE_PATH_TYPE_TARGET_PREFIX : ES_MUTE_PATH_TYPE_TARGET_LITERAL;
    if (es_mute_path(client_, mute.path.c_str(), type) != ES_RETURN_SUCCESS) {
      failures.push_back(mute.path);
    }
  }
#else
  // Target-path muting needs the macOS 13 SDK; without it every configured mute is reported.
  for (const PathMute& mute : mutes) failures.push_back(mute.path);
#endif
  return failures;
}

void EsClient::Stop() {
  if (client_ == nullptr) return;
  es_unsubscribe_all(client_);
  es_delete_client(client_);
  client_ = nullptr;
}

}  // namespace execwatch
