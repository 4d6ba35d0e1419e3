/* Internal helpers of the checker shared by its front ends (the command
 * line and the language server). */
#ifndef ONOMA_CHECK_CHECK_H
#define ONOMA_CHECK_CHECK_H

#include "onoma.h"
#include "common/buf.h"

/* The message of a finding, as people read it: "'Suleimani' → 'Soleimani'
 * (Qasem Soleimani) [style: default]", "'X' is ambiguous: ...", "'X': did
 * you mean 'Y'? (...)". */
int onoma__check_message(onoma__buf *b, const onoma_finding *f, const char *style);

/* The rule a finding belongs to: its entity id, or onoma/ambiguous,
 * onoma/near-miss. */
const char *onoma__check_rule(const onoma_finding *f);

#endif
