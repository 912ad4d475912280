# node-gyp build of the native addons (run by `npm ci`). The source lists live in
# native/sources.gypi, shared with native/CMakeLists.txt.
#
# - execwatch_es (macOS only): the Endpoint Security addon. Linux and other systems skip it, and
#   src/sources/endpoint-security.ts reports that clearly instead of crashing.
# - execwatch_native_test (every OS): the platform-neutral parts (record queue, conversion to
#   JS, sequence tracking) behind a test-only entry, for the JS tests in test/native.
{
  'includes': ['native/sources.gypi'],
  'target_defaults': {
    'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
    'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS'],
    'cflags!': ['-fno-exceptions'],
    'cflags_cc!': ['-fno-exceptions', '-std=gnu++17', '-std=gnu++20'],
    'cflags_cc': ['-std=c++17', '-fexceptions', '-Wall', '-Wextra'],
    'xcode_settings': {
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
      'MACOSX_DEPLOYMENT_TARGET': '13.0',
      'OTHER_CPLUSPLUSFLAGS': ['-fblocks', '-Wall', '-Wextra'],
    },
  },
  'targets': [
    {
      'target_name': 'execwatch_native_test',
      'sources': [
        '<@(execwatch_core_sources)',
        '<@(execwatch_bridge_sources)',
        '<@(execwatch_test_addon_sources)',
      ],
    },
  ],
  'conditions': [
    ['OS=="mac"', {
      'targets': [
        {
          'target_name': 'execwatch_es',
          'sources': [
            '<@(execwatch_core_sources)',
            '<@(execwatch_bridge_sources)',
            '<@(execwatch_es_sources)',
          ],
          'libraries': ['-lEndpointSecurity', '-lbsm'],
        },
      ],
    }],
  ],
}
