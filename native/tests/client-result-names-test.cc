#include "../src/client-result-names.h"

#include "harness.h"

using execwatch::NewClientResultName;

TEST("every es_new_client_result_t value has eslogger's name") {
  const char* const want[] = {
      "ES_NEW_CLIENT_RESULT_SUCCESS",
      "ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT",
      "ES_NEW_CLIENT_RESULT_ERR_INTERNAL",
      "ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED",
      "ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED",
      "ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED",
      "ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS",
  };

  for (int32_t value = 0; value < 7; ++value) {
    EXPECT_EQ(NewClientResultName(value), std::string(want[value]));
  }
}

TEST("an unknown result keeps its number in the name") {
  EXPECT_EQ(NewClientResultName(42), std::string("ES_NEW_CLIENT_RESULT_UNKNOWN_42"));
  EXPECT_EQ(NewClientResultName(-1), std::string("ES_NEW_CLIENT_RESULT_UNKNOWN_-1"));
}

TEST_MAIN()
