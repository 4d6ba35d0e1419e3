/* One Check suite per test program; the program fails when a test fails or
 * when no test ran at all. */
#ifndef ONOMA_TEST_RUNNER_H
#define ONOMA_TEST_RUNNER_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline int onoma_test_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int ran = srunner_ntests_run(sr), failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (ran == 0) {
        fprintf(stderr, "no test ran\n");
        return EXIT_FAILURE;
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Path of a file in tests/data (ONOMA_TEST_DATA is set by CMake). */
static inline const char *onoma_test_data(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", ONOMA_TEST_DATA, name);
    return buf;
}

#endif
