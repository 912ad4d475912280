// The test-only entry (execwatch_native_test.node): exposes the platform-neutral native parts to
// the JS tests on any OS. It drives the same RecordPump, conversion and sequence tracker that the
// Endpoint Security addon uses, with records from the sample factories instead of ES messages.
// Never shipped as a source of events.
#include <napi.h>

#include <chrono>
#include <thread>

#include "../src/client-result-names.h"
#include "../src/record-pump.h"
#include "../src/record-to-js.h"
#include "../src/sequence-tracker.h"
#include "sample-records.h"

namespace execwatch {
namespace testing {
namespace {

bool ReadBoolOption(const Napi::Object& options, const char* key) {
  return options.Has(key) && options.Get(key).ToBoolean().Value();
}

uint64_t ReadUnsigned64(const Napi::Value& value) {
  if (value.IsBigInt()) {
    bool lossless = false;
    return value.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  return static_cast<uint64_t>(value.As<Napi::Number>().Int64Value());
}

// Overrides that tests use to push values to their limits.
void ApplyOverrides(const Napi::Object& options, EsMessageRecord& record) {
  if (options.Has("pidversion")) {
    const Napi::Number pidversion = options.Get("pidversion").As<Napi::Number>();
    record.process.audit_token.pidversion = pidversion.Int32Value();
  }
  if (options.Has("inode")) {
    record.process.executable.stat.ino = ReadUnsigned64(options.Get("inode"));
  }
  if (options.Has("machTime")) record.mach_time = ReadUnsigned64(options.Get("machTime"));
  if (options.Has("version")) {
    record.version = options.Get("version").As<Napi::Number>().Uint32Value();
  }
}

// A sample record by name ("exec", "exit", "fork") with the overrides in `optionsValue`.
std::unique_ptr<EsMessageRecord> BuildSample(Napi::Env env, const Napi::Value& nameValue,
                                             const Napi::Value& optionsValue) {
  const std::string name = nameValue.As<Napi::String>().Utf8Value();
  const Napi::Object options =
      optionsValue.IsObject() ? optionsValue.As<Napi::Object>() : Napi::Object::New(env);

  auto record = SampleByName(name, ReadBoolOption(options, "withEnv"));
  if (!record) throw Napi::TypeError::New(env, "unknown sample name: " + name);
  ApplyOverrides(options, *record);
  return record;
}

// convertSample(name, options?): the sample converted on the JS thread, without any queue.
Napi::Value ConvertSample(const Napi::CallbackInfo& info) {
  auto record = BuildSample(info.Env(), info[0], info[1]);
  return ConvertMessageRecord(info.Env(), *record);
}

Napi::Value NewClientResultNameOf(const Napi::CallbackInfo& info) {
  const int32_t result = info[0].As<Napi::Number>().Int32Value();
  return Napi::String::New(info.Env(), NewClientResultName(result));
}

// observations: Array<[eventType, seqNum | null, globalSeqNum | null]>.
Napi::Value TrackSequences(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const Napi::Array observations = info[0].As<Napi::Array>();
  SequenceTracker tracker;

  Napi::Object byEventType = Napi::Object::New(env);
  for (uint32_t index = 0; index < observations.Length(); ++index) {
    const Napi::Array row = observations.Get(index).As<Napi::Array>();
    const uint32_t eventType = row.Get(0u).As<Napi::Number>().Uint32Value();
    const Napi::Value seq = row.Get(1u);
    const Napi::Value global = row.Get(2u);
    tracker.Observe(eventType,
                    seq.IsNull() ? std::nullopt : std::optional<uint64_t>(ReadUnsigned64(seq)),
                    global.IsNull() ? std::nullopt
                                    : std::optional<uint64_t>(ReadUnsigned64(global)));
    byEventType.Set(std::to_string(eventType),
                    Napi::Number::New(env, static_cast<double>(tracker.EventTypeDrops(eventType))));
  }

  Napi::Object result = Napi::Object::New(env);
  result.Set("globalDrops", Napi::Number::New(env, static_cast<double>(tracker.GlobalDrops())));
  result.Set("eventTypeDrops",
             Napi::Number::New(env, static_cast<double>(tracker.TotalEventTypeDrops())));
  result.Set("byEventType", byEventType);
  return result;
}

Napi::Object StatsObject(Napi::Env env, const PumpStats& stats) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("offered", Napi::Number::New(env, static_cast<double>(stats.offered)));
  object.Set("delivered", Napi::Number::New(env, static_cast<double>(stats.delivered)));
  object.Set("queueDrops", Napi::Number::New(env, static_cast<double>(stats.queueDrops)));
  object.Set("queued", Napi::Number::New(env, static_cast<double>(stats.queued)));
  object.Set("maxQueueEvents", Napi::Number::New(env, static_cast<double>(stats.maxQueueEvents)));
  return object;
}

// A JS handle on one RecordPump: new TestPump(maxQueueEvents, onRecords).
class TestPump : public Napi::ObjectWrap<TestPump> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TestPump",
                       {InstanceMethod("offerFromJsThread", &TestPump::OfferFromJsThread),
                        InstanceMethod("produceOnThread", &TestPump::ProduceOnThread),
                        InstanceMethod("stats", &TestPump::Stats),
                        InstanceMethod("close", &TestPump::Close)});
  }

  explicit TestPump(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TestPump>(info) {
    const size_t maxQueueEvents = info[0].As<Napi::Number>().Uint32Value();
    pump_ = RecordPump::Create(info.Env(), info[1].As<Napi::Function>(), maxQueueEvents);
  }

 private:
  // offerFromJsThread(name, count, options?): pushes while the JS thread is busy in this call,
  // so nothing drains until it returns. Returns {accepted, dropped}.
  Napi::Value OfferFromJsThread(const Napi::CallbackInfo& info) {
    const uint32_t count = info[1].As<Napi::Number>().Uint32Value();

    uint32_t accepted = 0;
    for (uint32_t index = 0; index < count; ++index) {
      if (pump_->Offer(BuildSample(info.Env(), info[0], info[2]))) ++accepted;
    }
    return CountsObject(info.Env(), accepted, count - accepted, 0);
  }

  // produceOnThread(name, count): a native thread offers `count` records while the JS thread
  // waits for it to finish. The producer never needs the JS thread, so this returns even when
  // the queue is full; a producer that waited for JavaScript would hang here.
  Napi::Value ProduceOnThread(const Napi::CallbackInfo& info) {
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    const uint32_t count = info[1].As<Napi::Number>().Uint32Value();
    std::shared_ptr<RecordPump> pump = pump_;
    uint32_t accepted = 0;

    const auto started = std::chrono::steady_clock::now();
    std::thread producer([&]() {
      for (uint32_t index = 0; index < count; ++index) {
        if (pump->Offer(SampleByName(name, false))) ++accepted;
      }
    });
    producer.join();
    const auto elapsed = std::chrono::steady_clock::now() - started;

    const double elapsedMs = std::chrono::duration<double, std::milli>(elapsed).count();
    return CountsObject(info.Env(), accepted, count - accepted, elapsedMs);
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    return StatsObject(info.Env(), pump_->Stats());
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    pump_->Close();
    return info.Env().Undefined();
  }

  static Napi::Object CountsObject(Napi::Env env, uint32_t accepted, uint32_t dropped,
                                   double elapsedMs) {
    Napi::Object object = Napi::Object::New(env);
    object.Set("accepted", Napi::Number::New(env, accepted));
    object.Set("dropped", Napi::Number::New(env, dropped));
    object.Set("elapsedMs", Napi::Number::New(env, elapsedMs));
    return object;
  }

  std::shared_ptr<RecordPump> pump_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("convertSample", Napi::Function::New(env, ConvertSample));
  exports.Set("newClientResultName", Napi::Function::New(env, NewClientResultNameOf));
  exports.Set("trackSequences", Napi::Function::New(env, TrackSequences));
  exports.Set("TestPump", TestPump::Define(env));
  return exports;
}

}  // namespace
}  // namespace testing
}  // namespace execwatch

static Napi::Object InitTestAddon(Napi::Env env, Napi::Object exports) {
  return execwatch::testing::Init(env, exports);
}

NODE_API_MODULE(execwatch_native_test, InitTestAddon)
