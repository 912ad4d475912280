#include "record-pump.h"

#include <utility>

#include "record-to-js.h"

namespace execwatch {
namespace {

// What the thread-safe function owns: a reference to the pump, dropped when it is finalized.
using PumpHandle = std::shared_ptr<RecordPump>;

}  // namespace

RecordPump::RecordPump(size_t maxQueueEvents) : queue_(maxQueueEvents) {}

std::shared_ptr<RecordPump> RecordPump::Create(Napi::Env env, Napi::Function onRecords,
                                               size_t maxQueueEvents) {
  auto pump = std::make_shared<RecordPump>(maxQueueEvents);
  auto* handle = new PumpHandle(pump);

  pump->deliver_ = Napi::ThreadSafeFunction::New(
      env, onRecords, "execwatch-records", 0, 1, handle,
      [](Napi::Env, void*, PumpHandle* owned) { delete owned; }, static_cast<void*>(nullptr));
  return pump;
}

bool RecordPump::Offer(std::unique_ptr<EsMessageRecord> record) {
  offered_.fetch_add(1, std::memory_order_relaxed);
  if (!queue_.TryPush(std::move(record))) return false;

  // Coalesce wake-ups: one pending drain empties everything queued before it runs.
  if (!drain_scheduled_.exchange(true, std::memory_order_acq_rel)) ScheduleDrain();
  return true;
}

void RecordPump::ScheduleDrain() {
  std::lock_guard<std::mutex> lock(call_mutex_);
  if (closed_) return;

  auto callback = [](Napi::Env env, Napi::Function onRecords, PumpHandle* handle) {
    if (static_cast<napi_env>(env) == nullptr || handle == nullptr) return;
    (*handle)->Drain(env, onRecords);
  };
  const napi_status status = deliver_.NonBlockingCall(
      static_cast<PumpHandle*>(deliver_.GetContext()), callback);
  if (status != napi_ok) drain_scheduled_.store(false, std::memory_order_release);
}

void RecordPump::Drain(Napi::Env env, Napi::Function onRecords) {
  // Cleared first: a record pushed while we drain schedules another turn instead of being missed.
  drain_scheduled_.store(false, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(call_mutex_);
    if (closed_) return;
  }

  Napi::HandleScope scope(env);
  Napi::Array batch = Napi::Array::New(env);
  uint32_t count = 0;
  std::unique_ptr<EsMessageRecord> record;
  while (count < kMaxBatchRecords && queue_.TryPop(record)) {
    batch.Set(count++, ConvertMessageRecord(env, *record));
    record.reset();
  }
  if (count == 0) return;

  delivered_.fetch_add(count, std::memory_order_relaxed);
  onRecords.Call({batch});

  const bool hasMore = queue_.Size() > 0;
  if (hasMore && !drain_scheduled_.exchange(true, std::memory_order_acq_rel)) ScheduleDrain();
}

void RecordPump::Close() {
  std::lock_guard<std::mutex> lock(call_mutex_);
  if (closed_) return;
  closed_ = true;
  deliver_.Release();
}

PumpStats RecordPump::Stats() const {
  PumpStats stats;
  stats.offered = offered_.load(std::memory_order_relaxed);
  stats.delivered = delivered_.load(std::memory_order_relaxed);
  stats.queueDrops = queue_.Dropped();
  stats.queued = queue_.Size();
  stats.maxQueueEvents = queue_.Capacity();
  return stats;
}

}  // namespace execwatch
