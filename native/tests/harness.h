// A tiny test harness for the native C++ tests (no framework download): TEST registers a case,
// EXPECT_EQ / EXPECT_TRUE record a failure with file and line and carry on, and RunAllTests
// returns the process exit status ctest reads.
#ifndef EXECWATCH_NATIVE_TESTS_HARNESS_H_
#define EXECWATCH_NATIVE_TESTS_HARNESS_H_

#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace execwatch_test {

struct TestCase {
  std::string name;
  std::function<void()> body;
};

inline std::vector<TestCase>& Registry() {
  static std::vector<TestCase> cases;
  return cases;
}

inline int& FailureCount() {
  static int failures = 0;
  return failures;
}

struct Registrar {
  Registrar(const char* name, std::function<void()> body) {
    Registry().push_back(TestCase{name, std::move(body)});
  }
};

template <typename Got, typename Want>
void ExpectEqual(const Got& got, const Want& want, const char* gotText, const char* file,
                 int line) {
  if (got == want) return;
  std::ostringstream message;
  message << file << ":" << line << ": " << gotText << "\n    got:  " << got
          << "\n    want: " << want;
  std::cerr << message.str() << "\n";
  ++FailureCount();
}

inline int RunAllTests() {
  for (const TestCase& test : Registry()) {
    const int before = FailureCount();
    test.body();
    std::cout << (FailureCount() == before ? "ok   " : "FAIL ") << test.name << "\n";
  }
  std::cout << Registry().size() << " cases, " << FailureCount() << " failed checks\n";
  return FailureCount() == 0 ? 0 : 1;
}

}  // namespace execwatch_test

#define EXECWATCH_CONCAT_INNER(a, b) a##b
#define EXECWATCH_CONCAT(a, b) EXECWATCH_CONCAT_INNER(a, b)

#define TEST(name)                                                                     \
  static void EXECWATCH_CONCAT(TestBody_, __LINE__)();                                 \
  static execwatch_test::Registrar EXECWATCH_CONCAT(registrar_, __LINE__)(             \
      name, &EXECWATCH_CONCAT(TestBody_, __LINE__));                                   \
  static void EXECWATCH_CONCAT(TestBody_, __LINE__)()

#define EXPECT_EQ(got, want) execwatch_test::ExpectEqual((got), (want), #got, __FILE__, __LINE__)
#define EXPECT_TRUE(condition) EXPECT_EQ(static_cast<bool>(condition), true)

#define TEST_MAIN() \
  int main() { return execwatch_test::RunAllTests(); }

#endif  // EXECWATCH_NATIVE_TESTS_HARNESS_H_
