#include "../src/record-queue.h"

#include <atomic>
#include <memory>
#include <thread>

#include "harness.h"

using execwatch::RecordQueue;

TEST("a queue hands items back in the order they were pushed") {
  RecordQueue<int> queue(3);

  queue.TryPush(1);
  queue.TryPush(2);
  queue.TryPush(3);

  int got = 0;
  for (int want = 1; want <= 3; ++want) {
    EXPECT_TRUE(queue.TryPop(got));
    EXPECT_EQ(got, want);
  }
  EXPECT_TRUE(!queue.TryPop(got));
}

TEST("a full queue drops the new item at once and counts it") {
  RecordQueue<std::unique_ptr<int>> queue(2);

  EXPECT_TRUE(queue.TryPush(std::make_unique<int>(1)));
  EXPECT_TRUE(queue.TryPush(std::make_unique<int>(2)));
  const bool third = queue.TryPush(std::make_unique<int>(3));

  EXPECT_TRUE(!third);
  EXPECT_EQ(queue.Dropped(), uint64_t{1});
  EXPECT_EQ(queue.Pushed(), uint64_t{2});
  EXPECT_EQ(queue.Size(), size_t{2});
}

TEST("popping frees room for new items, across the wrap of the ring") {
  RecordQueue<int> queue(2);
  int got = 0;

  for (int round = 0; round < 10; ++round) {
    EXPECT_TRUE(queue.TryPush(round * 2));
    EXPECT_TRUE(queue.TryPush(round * 2 + 1));
    EXPECT_TRUE(queue.TryPop(got));
    EXPECT_EQ(got, round * 2);
    EXPECT_TRUE(queue.TryPop(got));
    EXPECT_EQ(got, round * 2 + 1);
  }

  EXPECT_EQ(queue.Dropped(), uint64_t{0});
  EXPECT_EQ(queue.Size(), size_t{0});
}

TEST("a capacity of zero is clamped to one") {
  RecordQueue<int> queue(0);

  EXPECT_EQ(queue.Capacity(), size_t{1});
  EXPECT_TRUE(queue.TryPush(7));
  EXPECT_TRUE(!queue.TryPush(8));
}

TEST("one producer and one consumer thread lose nothing that was accepted") {
  constexpr int kItems = 200000;
  RecordQueue<int> queue(64);
  std::atomic<bool> producerDone{false};
  long long acceptedSum = 0;

  std::thread producer([&]() {
    for (int value = 1; value <= kItems; ++value) {
      if (queue.TryPush(int{value})) acceptedSum += value;
    }
    producerDone.store(true);
  });

  long long poppedSum = 0;
  int item = 0;
  while (!producerDone.load() || queue.Size() > 0) {
    if (queue.TryPop(item)) poppedSum += item;
  }
  producer.join();
  while (queue.TryPop(item)) poppedSum += item;

  EXPECT_EQ(poppedSum, acceptedSum);
  EXPECT_EQ(queue.Pushed() + queue.Dropped(), uint64_t{kItems});
}

TEST_MAIN()
