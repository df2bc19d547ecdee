// SPDX-License-Identifier: Apache-2.0
/*
 * A tiny Arduino-style OTA path in C++ for the decoder's tests of C++
 * names (tests/elf/build.sh): built with Debian's cross g++ for Xtensa
 * (lx106) and RISC-V (rv32imc), never run.  The symbol table holds
 * mangled names (_ZN11UpdateClass5writeEPhj) and the DWARF linkage names,
 * so otadiag must show UpdateClass::write(unsigned char*, unsigned int)
 * as addr2line -C does.  Keep the marked lines: the tests read them.
 */
volatile int *volatile target;
volatile int written;
/* an ESP-IDF app ELF: checked against the "ELF file SHA256" printed */
extern "C" const char esp_app_desc[32] = "otadiag-test-cxx";

namespace ota {
struct Flash {
	static inline __attribute__((always_inline)) void
	store(int v)
	{
		*target = v;	/* LINE Flash::store */
	}
};
}

class UpdateClass {
public:
	UpdateClass();
	unsigned write(unsigned char *data, unsigned len);
private:
	unsigned size_;
};

__attribute__((noinline))
UpdateClass::UpdateClass() : size_(0)
{
	written = 0;
}

unsigned __attribute__((noinline))
UpdateClass::write(unsigned char *data, unsigned len)
{
	size_ += len;
	ota::Flash::store(data[len - 1]);	/* LINE UpdateClass::write-call */
	return len;
}

class HTTPUpdate {
public:
	int handleUpdate(UpdateClass &u, unsigned size);
};

int __attribute__((noinline))
HTTPUpdate::handleUpdate(UpdateClass &u, unsigned size)
{
	unsigned char buf[16] = {1};

	return (int)u.write(buf, size);	/* LINE handleUpdate-call */
}

/* The allocation on top of an out-of-memory crash: operator new. */
void *__attribute__((noinline))
operator new(__SIZE_TYPE__ n)
{
	return n > 0x10000 ? (void *)0 : (void *)target;
}

class ArduinoOTAClass {
public:
	void handle();
};

void __attribute__((noinline))
ArduinoOTAClass::handle()
{
	UpdateClass *u = new UpdateClass;	/* LINE ArduinoOTAClass::handle-new */
	HTTPUpdate h;

	h.handleUpdate(*u, 8);
}

extern "C" void
_start(void)
{
	ArduinoOTAClass ota;

	ota.handle();
	for (;;)
		;
}
