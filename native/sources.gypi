# The one list of native sources. binding.gyp includes this file; native/CMakeLists.txt parses it
# (each list below becomes a CMake list of the same name), so both builds always compile the same
# files. Paths are relative to the repository root, where binding.gyp lives. Keep one path per
# line in single quotes: the CMake parser reads exactly that form.
{
  'variables': {
    # Plain C++ with no Node-API: compiled into both addons and into the C++ tests.
    'execwatch_core_sources': [
      'native/src/client-result-names.cc',
      'native/src/sequence-tracker.cc',
      'native/src/utc-time.cc',
    ],
    # Node-API, platform-neutral: the queue to JavaScript and the record conversion.
    'execwatch_bridge_sources': [
      'native/src/record-pump.cc',
      'native/src/record-to-js.cc',
    ],
    # macOS only: the Endpoint Security client, the message copy-out and the addon entry.
    'execwatch_es_sources': [
      'native/src/macos/es-addon.cc',
      'native/src/macos/es-client.cc',
      'native/src/macos/message-copy.cc',
    ],
    # The test-only addon entry and the sample records it serves.
    'execwatch_test_addon_sources': [
      'native/test-support/sample-records.cc',
      'native/test-support/test-addon.cc',
    ],
    # C++ tests run by ctest (CMake only); each file is its own test executable.
    'execwatch_cpp_test_sources': [
      'native/tests/client-result-names-test.cc',
      'native/tests/record-queue-test.cc',
      'native/tests/sequence-tracker-test.cc',
      'native/tests/utc-time-test.cc',
    ],
  },
}
