// The Endpoint Security addon's entry (execwatch_es.node, macOS only). Its whole surface:
//
//   start(options, onRecords) -> { muteFailures: string[] }   throws Error with `code`
//   stop()                                                     safe to call twice
//   stats() -> { offered, delivered, queueDrops, queued, maxQueueEvents,
//                kernelDrops: { global, exec, fork, exit, eventTypes }, copyFailures, ignored }
//   sdkVersion: number                                         __MAC_OS_X_VERSION_MAX_ALLOWED
//
// options: { includeEnv?: boolean, maxQueueEvents?: number,
//            mutes?: Array<{ path: string, match: 'prefix' | 'literal' }> }.
// onRecords(records) receives arrays of messages in eslogger's JSON shape on the JS thread.
// One client per environment; its state is the environment's instance data, so its cleanup
// (on the JS thread) deletes the client even when stop() was never called.
#include <napi.h>

#include <Availability.h>

#include "../record-pump.h"
#include "es-client.h"

namespace execwatch {
namespace {

constexpr uint32_t kDefaultMaxQueueEvents = 65536;

struct AddonState {
  EsClient client;
  std::shared_ptr<ClientShared> shared;

  ~AddonState() {
    client.Stop();
    if (shared && shared->pump) shared->pump->Close();
  }
};

AddonState& StateOf(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

[[noreturn]] void ThrowCoded(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

std::vector<PathMute> ReadMutes(Napi::Env env, const Napi::Object& options) {
  std::vector<PathMute> mutes;
  if (!options.Has("mutes") || options.Get("mutes").IsUndefined()) return mutes;

  const Napi::Array list = options.Get("mutes").As<Napi::Array>();
  for (uint32_t index = 0; index < list.Length(); ++index) {
    const Napi::Object entry = list.Get(index).As<Napi::Object>();
    const std::string match = entry.Get("match").As<Napi::String>().Utf8Value();
    if (match != "prefix" && match != "literal") {
      ThrowCoded(env, "ES_INVALID_MUTE", "mute match must be 'prefix' or 'literal'");
    }
    mutes.push_back(PathMute{entry.Get("path").As<Napi::String>().Utf8Value(), match == "prefix"});
  }
  return mutes;
}

ClientOptions ReadOptions(Napi::Env env, const Napi::Object& options) {
  ClientOptions result;
  result.copy.includeEnv = options.Has("includeEnv") && options.Get("includeEnv").ToBoolean();
  result.mutes = ReadMutes(env, options);
  return result;
}

uint32_t ReadMaxQueueEvents(const Napi::Object& options) {
  if (!options.Has("maxQueueEvents") || !options.Get("maxQueueEvents").IsNumber()) {
    return kDefaultMaxQueueEvents;
  }
  const uint32_t value = options.Get("maxQueueEvents").As<Napi::Number>().Uint32Value();
  return value == 0 ? kDefaultMaxQueueEvents : value;
}

Napi::Value Start(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  AddonState& state = StateOf(env);
  if (state.client.IsRunning()) ThrowCoded(env, "ES_ALREADY_STARTED", "already started");

  const Napi::Object options = info[0].As<Napi::Object>();
  const ClientOptions clientOptions = ReadOptions(env, options);

  auto shared = std::make_shared<ClientShared>();
  shared->pump = RecordPump::Create(env, info[1].As<Napi::Function>(), ReadMaxQueueEvents(options));
  const StartResult started = state.client.Start(clientOptions, shared);
  if (!started.ok) {
    shared->pump->Close();
    ThrowCoded(env, started.errorCode, started.detail);
  }
  state.shared = shared;

  Napi::Array muteFailures = Napi::Array::New(env, started.muteFailures.size());
  for (size_t index = 0; index < started.muteFailures.size(); ++index) {
    muteFailures.Set(static_cast<uint32_t>(index), started.muteFailures[index]);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("muteFailures", muteFailures);
  return result;
}

Napi::Value Stop(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info.Env());
  state.client.Stop();
  if (state.shared) state.shared->pump->Close();
  return info.Env().Undefined();
}

Napi::Number Count(Napi::Env env, uint64_t value) {
  return Napi::Number::New(env, static_cast<double>(value));
}

Napi::Object KernelDrops(Napi::Env env, const SequenceTracker& sequences) {
  Napi::Object drops = Napi::Object::New(env);
  drops.Set("global", Count(env, sequences.GlobalDrops()));
  drops.Set("exec", Count(env, sequences.EventTypeDrops(ES_EVENT_TYPE_NOTIFY_EXEC)));
  drops.Set("fork", Count(env, sequences.EventTypeDrops(ES_EVENT_TYPE_NOTIFY_FORK)));
  drops.Set("exit", Count(env, sequences.EventTypeDrops(ES_EVENT_TYPE_NOTIFY_EXIT)));
  drops.Set("eventTypes", Count(env, sequences.TotalEventTypeDrops()));
  return drops;
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  AddonState& state = StateOf(env);
  Napi::Object stats = Napi::Object::New(env);
  if (!state.shared) return stats;

  const PumpStats pump = state.shared->pump->Stats();
  stats.Set("offered", Count(env, pump.offered));
  stats.Set("delivered", Count(env, pump.delivered));
  stats.Set("queueDrops", Count(env, pump.queueDrops));
  stats.Set("queued", Count(env, pump.queued));
  stats.Set("maxQueueEvents", Count(env, pump.maxQueueEvents));
  stats.Set("kernelDrops", KernelDrops(env, state.shared->sequences));
  stats.Set("copyFailures", Count(env, state.shared->copyFailures.load()));
  stats.Set("ignored", Count(env, state.shared->ignoredMessages.load()));
  return stats;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonState());
  exports.Set("start", Napi::Function::New(env, Start));
  exports.Set("stop", Napi::Function::New(env, Stop));
  exports.Set("stats", Napi::Function::New(env, Stats));
  exports.Set("sdkVersion", Napi::Number::New(env, __MAC_OS_X_VERSION_MAX_ALLOWED));
  return exports;
}

}  // namespace
}  // namespace execwatch

static Napi::Object InitEsAddon(Napi::Env env, Napi::Object exports) {
  return execwatch::Init(env, exports);
}

NODE_API_MODULE(execwatch_es, InitEsAddon)
