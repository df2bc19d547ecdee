#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates a large, realistic serial log for benchmarks (not a test).

Mostly ordinary ESP-IDF and Arduino-ESP32 traffic (Wi-Fi, MQTT, sensors, HTTP,
OTA progress), some lines coloured with ANSI, with a few OTA failures
sprinkled in (TLS, alloc, select timeout, invalid magic, brownout, panic).

usage: gen-log.py [--size MB] [--seed N] [-o FILE]
"""
import argparse
import random
import sys

ESC = "\x1b"


def ordinary(rng, t):
    k = rng.randrange(100)
    if k < 30:
        return "I (%d) app_sensor: temp=%.2f rh=%.1f pm2.5=%.1f co2=%d" % (
            t, 18 + rng.random() * 8, 35 + rng.random() * 30, rng.random() * 40, 400 + rng.randrange(900))
    if k < 45:
        return "I (%d) mqtt_client: MQTT_EVENT_PUBLISHED, msg_id=%d" % (t, rng.randrange(65535))
    if k < 55:
        return "D (%d) app_mqtt: MQTT_EVENT_DATA topic=home/%s/state len=%d" % (
            t, rng.choice(["kitchen", "hall", "garage", "attic"]), rng.randrange(20, 400))
    if k < 62:
        return "[%6d][D][WiFiGeneric.cpp:1035] _eventCallback(): Arduino Event: %d - %s" % (
            t, 7, "STA_GOT_IP")
    if k < 70:
        return "[%6d][I][main.cpp:%d] loop(): relay=%d power=%.1fW uptime=%ds" % (
            t, rng.randrange(40, 200), rng.randrange(2), rng.random() * 2000, t // 1000)
    if k < 76:
        return "W (%d) wifi:bcn_timeout,ap_probe_send_start" % t
    if k < 82:
        return "I (%d) ota_task: Downloaded %d%% (%d/1572864 bytes)" % (t, rng.randrange(101), rng.randrange(1572864))
    if k < 88:
        return "%s[0;32mI (%d) httpd_uri: httpd_uri: URI '/api/status' found%s[0m" % (ESC, t, ESC)
    if k < 93:
        return "I (%d) ble_scan: adv %02x:%02x:%02x:0f:22:77 rssi -%d name=ATC_0F2277" % (
            t, rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.randrange(40, 95))
    if k < 97:
        return "V (%d) esp_timer: timer 0x3ffb%04x fired, period %d us" % (t, rng.randrange(65536), 1000000)
    return "12:%02d:%02d.%03d -> heap free=%d min=%d" % (
        rng.randrange(60), rng.randrange(60), rng.randrange(1000), 30000 + rng.randrange(90000), 20000)


FAILURES = [
    ["E (%d) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700",
     "I (%d) esp-tls-mbedtls: Failed to verify peer certificate!",
     "E (%d) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT"],
    ["E (%d) Dynamic Impl: alloc(16717 bytes) failed",
     "E (%d) esp-tls-mbedtls: read error :-0x7F00:"],
    ["E (%d) esp-tls: [sock=54] select() timeout",
     "E (%d) HTTP_CLIENT: Connection failed, sock < 0"],
    ["E (%d) esp_ota_ops: OTA image has invalid magic byte (expected 0xE9, saw 0x3c)",
     "E (%d) esp_https_ota: Error: esp_ota_write failed! err=0x1503"],
    ["Brownout detector was triggered", "rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)"],
    ["Guru Meditation Error: Core  1 panic'ed (LoadProhibited). Exception was unhandled.",
     "Backtrace: 0x400d5b2b:0x3ffb2580 0x400d3f5e:0x3ffb25a0"],
    ["[%6d][E][HTTPUpdate.cpp:308] handleUpdate(): FreeSketchSpace to low (1310720) needed: 1503232"],
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=float, default=200, help="megabytes (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    want = int(a.size * 1024 * 1024)
    out = sys.stdout.buffer if a.output == "-" else open(a.output, "wb")
    done = 0
    t = 300
    chunk = []
    csize = 0
    while done < want:
        t += rng.randrange(1, 400)
        if rng.randrange(20000) == 0:
            lines = [ln % t if "%" in ln else ln for ln in rng.choice(FAILURES)]
        else:
            lines = [ordinary(rng, t)]
        for ln in lines:
            b = (ln + "\n").encode()
            chunk.append(b)
            csize += len(b)
        if csize > 1 << 20:
            data = b"".join(chunk)
            out.write(data)
            done += len(data)
            chunk, csize = [], 0
    if chunk:
        out.write(b"".join(chunk))
    out.flush()


if __name__ == "__main__":
    main()
