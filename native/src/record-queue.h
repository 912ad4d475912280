// A bounded single-producer, single-consumer queue that never blocks either side.
//
// The producer is the Endpoint Security handler (ES delivers a client's messages strictly
// serially, so there is one producer at a time); the consumer is the JS thread. TryPush on a full
// queue drops the item and counts it instead of waiting: the ES thread must never wait for
// JavaScript. Both sides only touch two atomic indices, so neither takes a lock.
//
// Invariant: at most one thread calls TryPush at a time and at most one calls TryPop at a time;
// Size() and the counters may be read from any thread.
#ifndef EXECWATCH_NATIVE_RECORD_QUEUE_H_
#define EXECWATCH_NATIVE_RECORD_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace execwatch {

template <typename T>
class RecordQueue {
 public:
  // maxItems is clamped to at least 1; one extra slot tells "full" from "empty".
  explicit RecordQueue(size_t maxItems) : slots_((maxItems < 1 ? 1 : maxItems) + 1) {}

  RecordQueue(const RecordQueue&) = delete;
  RecordQueue& operator=(const RecordQueue&) = delete;

  // Moves the item in and returns true, or returns false (and counts a drop) when full.
  bool TryPush(T&& item) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    const size_t next = Advance(tail);
    if (next == head_.load(std::memory_order_acquire)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }

    slots_[tail] = std::move(item);
    tail_.store(next, std::memory_order_release);
    pushed_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // Moves the oldest item out into `out` and returns true, or returns false when empty.
  bool TryPop(T& out) {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;

    out = std::move(slots_[head]);
    slots_[head] = T();
    head_.store(Advance(head), std::memory_order_release);
    return true;
  }

  size_t Capacity() const { return slots_.size() - 1; }

  // A snapshot; exact only when neither side is running.
  size_t Size() const {
    const size_t head = head_.load(std::memory_order_acquire);
    const size_t tail = tail_.load(std::memory_order_acquire);
    return tail >= head ? tail - head : slots_.size() - head + tail;
  }

  uint64_t Pushed() const { return pushed_.load(std::memory_order_relaxed); }
  uint64_t Dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  size_t Advance(size_t index) const { return index + 1 == slots_.size() ? 0 : index + 1; }

  std::vector<T> slots_;
  std::atomic<size_t> head_{0};
  std::atomic<size_t> tail_{0};
  std::atomic<uint64_t> pushed_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_RECORD_QUEUE_H_
