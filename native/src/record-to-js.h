// Turns an owned EsMessageRecord into a JavaScript object in eslogger's JSON shape, so that the
// one normalizer in src/normalize serves the addon and the eslogger subprocess alike.
//
// The keys and value spellings follow `eslogger exec fork exit` (message versions 9 to 11):
// audit tokens as objects, times as RFC 3339 strings, cdhash as upper-case hex, empty signing or
// team ids as null, fields of newer message versions only when the record has them.
// Integers that do not fit in a double exactly (inode numbers, Mach times) become exact decimal
// strings, as parseEsloggerLine (src/normalize) yields them; all others are plain numbers.
//
// Invariant: only the JS thread calls these functions (they create JS values).
#ifndef EXECWATCH_NATIVE_RECORD_TO_JS_H_
#define EXECWATCH_NATIVE_RECORD_TO_JS_H_

#include <napi.h>

#include "es-record.h"

namespace execwatch {

Napi::Object ConvertMessageRecord(Napi::Env env, const EsMessageRecord& record);

// The integer rule: a Number when |value| <= 2^53 - 1, otherwise its exact decimal string.
Napi::Value ConvertUnsigned64(Napi::Env env, uint64_t value);
Napi::Value ConvertSigned64(Napi::Env env, int64_t value);

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_RECORD_TO_JS_H_
