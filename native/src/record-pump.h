// Carries owned records from a producer thread (the ES handler) to a JavaScript callback.
//
// Approach: the producer moves each record into a bounded RecordQueue and, when no delivery is
// pending, asks a Napi::ThreadSafeFunction to run Drain on the JS thread with NonBlockingCall.
// Drain converts queued records to JS objects in batches and calls `onRecords(records)`. The
// producer never waits for JavaScript: a full queue drops the record and counts it.
//
// Ownership: the state is shared by the JS handle, the producer and the thread-safe function;
// it lives until the last of them lets go, so a late producer call or a pending drain after
// Close() touches valid memory and does nothing.
//
// Invariant: one producer at a time calls Offer (ES delivers a client's messages serially);
// Close, Stats and the drain run on the JS thread.
#ifndef EXECWATCH_NATIVE_RECORD_PUMP_H_
#define EXECWATCH_NATIVE_RECORD_PUMP_H_

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "es-record.h"
#include "record-queue.h"

namespace execwatch {

struct PumpStats {
  uint64_t offered = 0;
  uint64_t delivered = 0;
  uint64_t queueDrops = 0;
  uint64_t queued = 0;
  uint64_t maxQueueEvents = 0;
};

class RecordPump {
 public:
  // Records per call of onRecords; the rest wait for the next turn of the event loop.
  static constexpr size_t kMaxBatchRecords = 256;

  // JS thread. onRecords(records: object[]) will be called on the JS thread.
  static std::shared_ptr<RecordPump> Create(Napi::Env env, Napi::Function onRecords,
                                            size_t maxQueueEvents);

  RecordPump(size_t maxQueueEvents);

  // Producer thread. Returns false when the record was dropped (queue full or pump closed).
  bool Offer(std::unique_ptr<EsMessageRecord> record);

  // JS thread. Stops deliveries and lets the event loop exit; records still queued are discarded.
  void Close();

  PumpStats Stats() const;

 private:
  void ScheduleDrain();
  void Drain(Napi::Env env, Napi::Function onRecords);

  RecordQueue<std::unique_ptr<EsMessageRecord>> queue_;
  std::atomic<bool> drain_scheduled_{false};
  std::atomic<uint64_t> offered_{0};
  std::atomic<uint64_t> delivered_{0};

  // Guards `closed_` and the thread-safe function against Close() racing a producer's call;
  // held only around one NonBlockingCall, never while JavaScript runs.
  mutable std::mutex call_mutex_;
  bool closed_ = false;
  Napi::ThreadSafeFunction deliver_;
};

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_RECORD_PUMP_H_
