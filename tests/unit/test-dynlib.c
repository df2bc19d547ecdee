/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dynlib: libraries opened on first use.  In process, with a real library
 * (libm) and a name that does not exist; then the built binary run with
 * LD_LIBRARY_PATH pointing at a folder holding a bogus libcurl.so.4,
 * libdw.so.1, libelf.so.1, libstdc++.so.6 or libcrypto.so.3 (a text file, or
 * libm under the library's name): the command that needs the library fails
 * with one line naming it and its package, exit 3, and the others still run.
 * test-needs: gcc python3
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "dynlib.h"
#include "proc.h"
#include "results.h"

#define FIXTURE	OTADIAG_SOURCE_DIR "/fixtures/corpus/server-unreachable-1.log"
#define VERDICT	"failed: TCP connect to the firmware server failed " \
		"(server-unreachable, line 1)"

static void
setup(void)
{
	results_tmpdir_enter("dynlib");
}

TestSuite(dynlib, .init = setup, .fini = results_fini);

/* ---- in process ------------------------------------------------------ */

struct mathapi {
	DYNLIB_FN(cos);
	DYNLIB_FN(sqrt);
};

static const struct dynlib_sym math_syms[] = {
	DYNLIB_SYM(struct mathapi, cos), DYNLIB_SYM(struct mathapi, sqrt),
};

Test(dynlib, resolves_a_real_library_into_the_table)
{
	static struct dynlib_state st = DYNLIB_STATE_INIT;
	const struct dynlib lib = { "libm.so.6", "libc6", math_syms, 2 };
	struct mathapi t;
	struct diag_err err;

	memset(&t, 0, sizeof(t));
	diag_clear(&err);
	cr_assert_eq(dynlib_load(&lib, &st, &t, "a test needs", &err), 0,
	    "%s", err.text);
	cr_expect_eq(t.cos(0.0), 1.0);
	cr_expect_eq(t.sqrt(81.0), 9.0);
	/* loaded once: a second call leaves the table as it is */
	cr_expect_eq(dynlib_load(&lib, &st, &t, "a test needs", &err), 0);
}

Test(dynlib, a_missing_library_is_one_line_naming_it_and_its_package)
{
	static struct dynlib_state st = DYNLIB_STATE_INIT;
	const struct dynlib lib = { "libotadiag-none.so.9", "otadiag-none",
	    math_syms, 2 };
	struct mathapi t;
	struct diag_err err;

	diag_clear(&err);
	cr_assert_eq(dynlib_load(&lib, &st, &t, "a test needs", &err),
	    DIAG_ELIB);
	cr_expect_str_eq(err.text, "a test needs libotadiag-none.so.9 (apt "
	    "install otadiag-none): libotadiag-none.so.9: cannot open shared "
	    "object file: No such file or directory");
	cr_expect_str_eq(err.file, "");
	/* remembered: the same answer again, without trying again */
	diag_clear(&err);
	cr_expect_eq(dynlib_load(&lib, &st, &t, "other words", &err),
	    DIAG_ELIB);
	cr_expect(strncmp(err.text, "a test needs ", 13) == 0, "%s", err.text);
}

Test(dynlib, a_missing_symbol_is_named)
{
	static const struct dynlib_sym syms[] = {
		DYNLIB_SYM(struct mathapi, cos),
		{ "otadiag_no_such_function", offsetof(struct mathapi, sqrt) },
	};
	static struct dynlib_state st = DYNLIB_STATE_INIT;
	const struct dynlib lib = { "libm.so.6", "libc6", syms, 2 };
	struct mathapi t;
	struct diag_err err;

	diag_clear(&err);
	cr_assert_eq(dynlib_load(&lib, &st, &t, "a test needs", &err),
	    DIAG_ELIB);
	cr_expect(strncmp(err.text, "a test needs libm.so.6 (apt install "
	    "libc6): ", 39) == 0, "%s", err.text);
	cr_expect(strstr(err.text, "undefined symbol: "
	    "otadiag_no_such_function") != NULL, "%s", err.text);
	cr_expect_null(strchr(err.text, '\n'));
}

/* ---- the built binary with a bogus library ---------------------------- */

/*
 * A folder holding a bogus file under soname: a text file, or (as_libm) the
 * real libm, which loads but lacks every symbol asked for.  Returns the
 * "LD_LIBRARY_PATH=..." string (kept until the suite ends).
 */
static const char *
bogus(const char *soname, int as_libm)
{
	char dir[1024], path[1200], cmd[2600], env[1100];
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s/lib-%s-%d", results_tmpdir(), soname,
	    as_libm);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, soname);
	if (as_libm) {
		snprintf(cmd, sizeof(cmd), "cp \"$(gcc -print-file-name="
		    "libm.so.6)\" '%s'", path);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
	} else {
		cr_assert_not_null(fp = fopen(path, "w"));
		fputs("not a library\n", fp);
		fclose(fp);
	}
	snprintf(env, sizeof(env), "LD_LIBRARY_PATH=%s", dir);
	return results_keep(env);
}

/* The one line a missing library gives, for the text file under dir. */
static char *
want_line(const char *who, const char *soname, const char *pkg,
    const char *env)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "otadiag: error: %s %s (apt install %s): "
	    "%s/%s: file too short\n", who, soname, pkg,
	    env + strlen("LD_LIBRARY_PATH="), soname);
	return results_keep(buf);
}

/* analyze and --version do not need the library. */
static void
others_still_run(const char *env)
{
	const char *e[] = { env, NULL };
	struct proc_out o = proc_run_in(NULL, e, (const char *[]){ "analyze",
	    FIXTURE, NULL });

	cr_expect_eq(o.status, 1, "analyze exits %d: %s", o.status, o.err);
	cr_expect(strstr(o.out, VERDICT) != NULL, "%s", o.out);
	proc_out_free(&o);
	o = proc_run_in(NULL, e, (const char *[]){ "--version", NULL });
	cr_expect_eq(o.status, 0, "--version exits %d: %s", o.status, o.err);
	cr_expect(strncmp(o.out, "otadiag ", 8) == 0, "%s", o.out);
	proc_out_free(&o);
}

static struct proc_out
job_fetch(const char *env)
{
	const char *e[] = { env, "OTADIAG_RMAKER_TOKEN=t0ken", NULL };

	return proc_run_in(NULL, e, (const char *[]){ "job", "fetch",
	    "--job-id", "J1", "--api", "http://127.0.0.1:9/v1", NULL });
}

Test(dynlib, job_fetch_without_libcurl)
{
	const char *env = bogus("libcurl.so.4", 0);
	struct proc_out o = job_fetch(env);

	cr_expect_eq(o.status, 3, "exit %d", o.status);
	cr_expect_str_eq(o.err, want_line("job fetch needs", "libcurl.so.4",
	    "libcurl4", env));
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
	others_still_run(env);
}

Test(dynlib, job_fetch_with_a_libcurl_that_lacks_its_functions)
{
	const char *env = bogus("libcurl.so.4", 1);
	struct proc_out o = job_fetch(env);

	cr_expect_eq(o.status, 3, "exit %d", o.status);
	cr_expect(strncmp(o.err, "otadiag: error: job fetch needs libcurl.so.4 "
	    "(apt install libcurl4): ", 65) == 0, "%s", o.err);
	cr_expect(strstr(o.err, "undefined symbol: curl_") != NULL, "%s",
	    o.err);
	cr_expect_eq(strchr(o.err, '\n'), o.err + strlen(o.err) - 1,
	    "one line: %s", o.err);
	proc_out_free(&o);
}

Test(dynlib, version_says_libcurl_is_missing)
{
	const char *e[] = { bogus("libcurl.so.4", 0), NULL };
	struct proc_out o = proc_run_in(NULL, e,
	    (const char *[]){ "--version", NULL });

	cr_expect_eq(o.status, 0);
	cr_expect(strstr(o.out, ", libcurl missing (apt install libcurl4), "
	    "jansson ") != NULL, "%s", o.out);
	proc_out_free(&o);
	o = proc_run((const char *[]){ "--version", NULL });
	cr_expect(strstr(o.out, ", libcurl 7.") != NULL ||
	    strstr(o.out, ", libcurl 8.") != NULL, "%s", o.out);
	proc_out_free(&o);
}

/* decode --elf with the binary itself as the ELF (a real one). */
static void
elf_needs(const char *soname, const char *pkg)
{
	const char *env = bogus(soname, 0);
	const char *e[] = { env, NULL };
	struct proc_out o = proc_run_in(NULL, e, (const char *[]){ "decode",
	    "--elf", OTADIAG_BINARY, FIXTURE, NULL });

	cr_expect_eq(o.status, 3, "exit %d: %s", o.status, o.err);
	cr_expect_str_eq(o.err, want_line("--elf and decode need", soname, pkg,
	    env));
	proc_out_free(&o);
	others_still_run(env);
}

Test(dynlib, decode_without_libdw)
{
	elf_needs("libdw.so.1", "libdw1");
}

Test(dynlib, decode_without_libelf)
{
	elf_needs("libelf.so.1", "libelf1");
}

Test(dynlib, decode_without_libstdcxx)
{
	const char *e[] = { bogus("libstdc++.so.6", 0), NULL };
	struct proc_out o = proc_run_in(NULL, e,
	    (const char *[]){ "--version", NULL });

	/* the sanitizer runtime links libstdc++ itself */
	if (o.status != 0) {
		proc_out_free(&o);
		cr_skip_test("otadiag itself needs libstdc++.so.6 here");
	}
	proc_out_free(&o);
	elf_needs("libstdc++.so.6", "libstdc++6");
}

Test(dynlib, image_without_libcrypto)
{
	const char *env = bogus("libcrypto.so.3", 0);
	const char *e[] = { env, NULL };
	struct proc_out o = proc_run_in(NULL, e, (const char *[]){ "image",
	    OTADIAG_SOURCE_DIR "/fixtures/images/esp_idf_blink_esp32s2.bin",
	    NULL });

	cr_expect_eq(o.status, 3, "exit %d: %s", o.status, o.err);
	cr_expect_str_eq(o.err, want_line("checksums (SHA-256, MD5) need",
	    "libcrypto.so.3", "libssl3", env));
	cr_expect_str_eq(o.out, "");
	proc_out_free(&o);
	others_still_run(env);
}

/*
 * A log with a UART core dump closed by a SHA-256: without libcrypto,
 * analyze says the checksum is not checked and goes on.
 */
Test(dynlib, analyze_of_a_sha256_core_dump_without_libcrypto)
{
	const char *env = bogus("libcrypto.so.3", 0);
	const char *e[] = { env, NULL };
	char cmd[2048];
	struct proc_out o;

	snprintf(cmd, sizeof(cmd), "python3 -c '"
	    "import base64,struct,hashlib\n"
	    "p=bytes(range(256))*8\n"
	    "b=struct.pack(\"<IIIIII\",24+len(p)+32,0x103,3,0x160,2,0)+p\n"
	    "b+=hashlib.sha256(b).digest()\n"
	    "s=base64.b64encode(b).decode()\n"
	    "print(\"================= CORE DUMP START =================\")\n"
	    "print(\"\\n\".join(s[i:i+64] for i in range(0,len(s),64)))\n"
	    "print(\"================= CORE DUMP END ===================\")"
	    "' >%s/core.log", results_tmpdir());
	cr_assert_eq(system(cmd), 0, "python3 failed");
	snprintf(cmd, sizeof(cmd), "%s/core.log", results_tmpdir());
	o = proc_run((const char *[]){ "analyze", cmd, NULL });
	cr_expect(strstr(o.out, "SHA-256 checksum good") != NULL,
	    "with libcrypto: %s", o.out);
	proc_out_free(&o);
	o = proc_run_in(NULL, e, (const char *[]){ "analyze", cmd, NULL });
	cr_expect(o.status == 0 || o.status == 1, "exit %d: %s", o.status,
	    o.err);
	cr_expect(strstr(o.out, "the checksum is not checked: checksums "
	    "(SHA-256, MD5) need libcrypto.so.3 (apt install libssl3): ") !=
	    NULL, "%s", o.out);
	proc_out_free(&o);
}
