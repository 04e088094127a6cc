/* Rows the recording tests build on (test_recording_store.c, test_meeting_record.c): consortium
 * 1, user 1, rooms 10 and 11 of consortium 1. */
#ifndef MOA_TESTS_RECORDING_TEST_SUPPORT_H
#define MOA_TESTS_RECORDING_TEST_SUPPORT_H

#include "store_test_support.h"

#define RECORDING_TEST_FIXTURE                                                                          \
  STORE_TEST_PLACE                                                                                      \
  "INSERT INTO consortia(id, sector_id, lead_region_id, lead_complex_id, name_ko, name_en) VALUES"      \
  " (1, 1, 1, 1, '수소 협의체', 'Hydrogen');"                                                      \
  "INSERT INTO users(id, email, name, password_hash, is_admin) VALUES (1, 'c@x', '박코디', 'x', 0);" \
  "INSERT INTO rooms(id, consortium_id, name) VALUES (10, 1, '회의실'), (11, 1, '라운지2');"

#endif
