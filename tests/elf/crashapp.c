/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny firmware for the decoder's tests (tests/elf/build.sh): built with
 * Debian's cross compilers for Xtensa (lx106) and RISC-V (rv32imc).  It is
 * never run: the tests take addresses from its symbol table, write a panic
 * log with them and check the functions and lines otadiag reports.
 * Keep the line numbers of the marked lines: tests/elf/lines.txt names them.
 */
volatile int pulses;
volatile int *volatile target;
#ifdef OTHER_BUILD
const char esp_app_desc[32] = "otadiag-test-app v2";
#else
const char esp_app_desc[32] = "otadiag-test-app";
#endif

static inline __attribute__((always_inline)) void
store_pulse(int v)
{
	*target = v;	/* LINE store_pulse */
}

void __attribute__((noinline))
onPulse(void)
{
	pulses++;
	store_pulse(pulses);	/* LINE onPulse-call */
}

void __attribute__((noinline))
spi_flash_write(int n)
{
	while (n-- > 0)
		onPulse();	/* LINE spi_flash_write-call */
}

void __attribute__((noinline))
esp_ota_write(int n)
{
	spi_flash_write(n);	/* LINE esp_ota_write-call */
}

int
main(void)
{
	esp_ota_write(3);
	return 0;
}

void
_start(void)
{
	main();
	for (;;)
		;
}

/* An allocator for the "allocation failed on top" stacks. */
void *__attribute__((noinline))
malloc(unsigned long n)
{
	return n > 0x10000 ? (void *)0 : (void *)target;
}
