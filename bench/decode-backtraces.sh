#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark (not a test): decoding 10 000 Backtrace lines with otadiag decode.
#
#   bench/decode-backtraces.sh [BUILD_DIR] [LINES] [FUNCS] [c|c++]
#
# Builds an Xtensa ELF with FUNCS functions (default 4000) in 40 compile
# units with gcc-xtensa-lx106 (scripts/deps/apt-test-decode.txt; c++: the
# same functions as static members of a class in a namespace, built with
# its g++, so every name is demangled when the ELF is opened), writes a
# log of LINES (default 10000) panics, each a Backtrace of 8 addresses
# drawn from the ELF's symbol table (seeded: same log every run), and times
# 'otadiag decode --elf' and 'otadiag analyze --elf' on it (best of 3).
set -eu
build=${1:-build}
lines=${2:-10000}
funcs=${3:-4000}
lang=${4:-c}
otadiag=$(cd "$build" && pwd)/otadiag
work=$(mktemp -d /tmp/otadiag-bench-decode.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 - "$funcs" "$lang" <<'PY'
import sys
n = int(sys.argv[1]); per = max(1, n // 40); cxx = sys.argv[2] == "c++"
ext = "cpp" if cxx else "c"
for u in range(40):
    with open(f"u{u}.{ext}", "w") as f:
        f.write("extern \"C\" volatile int sink;\n" if cxx else
                "extern volatile int sink;\n")
        if cxx:
            f.write(f"namespace ota{u} {{ struct Updater{u} {{\n")
            for i in range(per):
                f.write(f"\tstatic int f{u * per + i}(int x);\n")
            f.write("}; }\n")
        for i in range(per):
            k = u * per + i
            q = f"ota{u}::Updater{u}::" if cxx else ""
            f.write(f"static inline int h{k}(int x) {{ return x * {k} + sink; }}\n")
            f.write(f"int __attribute__((noinline)) {q}f{k}(int x) {{\n"
                    f"\tif (x > {k}) sink = h{k}(x);\n"
                    f"\treturn x + {k};\n}}\n")
with open(f"main.{ext}", "w") as f:
    if cxx:
        f.write("extern \"C\" { volatile int sink; }\n"
                "extern \"C\" const char esp_app_desc[32] = \"bench\";\n"
                "extern \"C\" void _start(void) { for (;;) ; }\n")
    else:
        f.write("volatile int sink;\nconst char esp_app_desc[32] = \"bench\";\nvoid _start(void) { for (;;) ; }\n")
PY
cc=xtensa-lx106-elf-gcc
[ "$lang" = c++ ] && cc="xtensa-lx106-elf-g++ -fno-exceptions -fno-rtti"
for f in u*.c* main.c*; do
	$cc -g -O2 -ffreestanding -c "$f" -o "${f%.c*}.o" &
	[ $(jobs -p | wc -l) -ge 2 ] && wait
done
wait
xtensa-lx106-elf-gcc -nostdlib -Wl,-Ttext=0x400d0020 -o app.elf ./*.o
sha=$(sha256sum app.elf | cut -c1-16)
xtensa-lx106-elf-nm -S --defined-only app.elf | python3 -c "
import random, sys
fs = [l.split() for l in sys.stdin if ' T ' in l or ' t ' in l]
fs = [(int(a, 16), int(s, 16)) for a, s, t, n in fs if int(s, 16) > 2]
random.seed(1)
out = open('bench.log', 'w')
out.write('I (120) app_init: ELF file SHA256:  $sha...\n')
for i in range($lines):
    bt = ' '.join('0x%08x:0x3ffb%04x' % (a + random.randrange(0, s, 1), 16 * k)
                  for a, s in random.sample(fs, 8) for k in [0])
    out.write('Guru Meditation Error: Core  1 panic\'ed (StoreProhibited).\n')
    out.write('Backtrace: ' + bt + '\n')
    out.write('ELF file SHA256: ${sha%???????}\nRebooting...\n')
"
size=$(stat -c %s app.elf)
echo "ELF ($lang): $funcs functions, $size bytes; log: $lines Backtrace lines of 8 addresses"
best() {
	b=
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
echo "decode  --elf: $(best "$otadiag" decode --elf app.elf bench.log) s"
echo "analyze --elf: $(best "$otadiag" analyze --elf app.elf bench.log) s"
echo "analyze      : $(best "$otadiag" analyze bench.log) s (no --elf)"
"$otadiag" decode --elf app.elf bench.log | grep -c ' at .*u[0-9]*\.c[p]*:' |
    sed 's/^/frames decoded with a line: /'
# opening the ELF alone (index, and the names demangled with c++)
printf 'nothing\n' > empty.log
echo "decode  --elf, an empty log: $(best "$otadiag" decode --elf app.elf empty.log) s"
