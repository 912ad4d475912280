// Factories for EsMessageRecords that mirror the real eslogger samples in
// /work/shared/samples/eslogger (copied into test/fixtures/eslogger by the fixtures owner), so
// tests can compare the addon's JS objects with what eslogger printed for the same message.
// Used by the C++ tests and by the test-only addon; never part of the shipped ES addon.
#ifndef EXECWATCH_NATIVE_SAMPLE_RECORDS_H_
#define EXECWATCH_NATIVE_SAMPLE_RECORDS_H_

#include <memory>
#include <string>

#include "../src/es-record.h"

namespace execwatch {
namespace testing {

// The exec line of macos15-v9-exec.jsonl, with `env` only when withEnv is true.
std::unique_ptr<EsMessageRecord> SampleV9Exec(bool withEnv);

// The exit line of macos15-v9-exit.jsonl (its st_ino, 1152921500312525701, exceeds 2^53).
std::unique_ptr<EsMessageRecord> SampleV9Exit();

// A fork of the exit sample's process, in message version 9.
std::unique_ptr<EsMessageRecord> SampleV9Fork();

// "exec", "exit" or "fork"; nullptr for any other name.
std::unique_ptr<EsMessageRecord> SampleByName(const std::string& name, bool withEnv);

}  // namespace testing
}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_SAMPLE_RECORDS_H_
