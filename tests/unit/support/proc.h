/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc: runs the built otadiag binary (OTADIAG_BINARY) and captures what a
 * user sees, for the command tests (test-explain.c, test-rules-cmd.c).
 * Prefix: proc_.
 */
#ifndef OTADIAG_TEST_PROC_H
#define OTADIAG_TEST_PROC_H

struct proc_out {
	char	*out;		/* standard output, owned */
	char	*err;		/* standard error, owned */
	int	 status;	/* exit status, or 128 + signal */
};

/*
 * Runs otadiag with ARGS (NULL-terminated, without argv[0], at most 30),
 * stdin from /dev/null and NO_COLOR=1.  Free the result with
 * proc_out_free().
 */
struct proc_out proc_run(const char *const *args);
/* The same, run in folder dir (NULL: here) with env's "NAME=value" strings
   (NULL-terminated, or NULL) added to the environment. */
struct proc_out proc_run_in(const char *dir, const char *const *env,
	    const char *const *args);
void	 proc_out_free(struct proc_out *o);
/*
 * OTADIAG_TEST_SAMPLE=N: a test over every fixture (or every option) runs
 * every Nth one only.  The sanitizer build sets it (tests/CMakeLists.txt),
 * where the point is memory errors, not each verdict; 1 when unset.
 */
size_t	 proc_sample_every(void);

#endif
