# SPDX-License-Identifier: Apache-2.0
# fish completion for otadiag(1).  Installed into
# share/fish/vendor_completions.d/otadiag.fish.  Values offered are the
# ones otadiag accepts.

set -l cmds analyze monitor ports job rules explain config
set -l reportcmds analyze monitor job
complete -c otadiag -f
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -l version -d 'versions of otadiag, its rules and libraries'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -s h -l help -d 'show usage'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -a analyze -d 'diagnose captured logs and job JSON files'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -a monitor -d 'watch a serial port live'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -a ports -d 'list serial ports'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -a job -d 'analyse or fetch cloud OTA jobs'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -a rules -d 'list, show and test the rule table'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -a explain -d 'decode an error code'
complete -c otadiag -n "not __fish_seen_subcommand_from $cmds" -a config -d 'the effective settings and their origin'

# rule options
set -l rulecmds analyze monitor job explain rules
complete -c otadiag -n "__fish_seen_subcommand_from $rulecmds" -l rules -r -F -d 'add a rule file or folder'
complete -c otadiag -n "__fish_seen_subcommand_from $rulecmds" -l no-default-rules -d 'leave the built-in rules out'
complete -c otadiag -n "__fish_seen_subcommand_from $rulecmds" -l generic-only -d 'only the generic tier'

# report and gate options
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -l format -x -a 'text json jsonl sarif junit github' -d 'report format'
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -s o -l output -r -F -d 'write the preceding --format to FILE'
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -l color -x -a 'auto always never'
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -l fail-on -x -a 'info warning error never'
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -l expect -x -a 'success failed rolled-back in-progress not-attempted'
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -l ignore -x -a '(otadiag rules list --ids 2>/dev/null)' -d 'rule or cause id'
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -l baseline -r -F
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -s q -l quiet
complete -c otadiag -n "__fish_seen_subcommand_from $reportcmds" -s v -l verbose

# analyze
complete -c otadiag -n "__fish_seen_subcommand_from analyze" -F
complete -c otadiag -n "__fish_seen_subcommand_from analyze" -s j -l jobs -x
complete -c otadiag -n "__fish_seen_subcommand_from analyze" -l max-line -x

# monitor
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -x -a '(for p in /dev/ttyUSB* /dev/ttyACM* /dev/serial/by-id/*; test -e $p; and echo $p; end)'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -s b -l baud -x -a '9600 19200 38400 57600 74880 115200 230400 460800 921600 2000000'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l data-bits -x -a '5 6 7 8'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l parity -x -a 'none odd even mark space'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l stop-bits -x -a '1 2'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l flow -x -a 'none xonxoff rtscts dtrdsr'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l log -r -F
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l timestamps
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l timeout -x
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l until -x -a 'success failure outcome'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l no-reconnect
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l reset
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -s p -l port -x -a '(for p in /dev/ttyUSB* /dev/ttyACM* /dev/serial/by-id/*; test -e $p; and echo $p; end)'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l eol -x -a 'CR LF CRLF'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l print-filter -x -d 'tag:level ...'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l reset-sequence -x -d 'D0|R1|W0.1|R0'
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l send -x
complete -c otadiag -n "__fish_seen_subcommand_from monitor" -l send-after -x

# job
complete -c otadiag -n "__fish_seen_subcommand_from job" -F -a fetch
complete -c otadiag -n "__fish_seen_subcommand_from job" -l job-timeout -x
complete -c otadiag -n "__fish_seen_subcommand_from job" -l logs -r -a '(__fish_complete_directories)'
complete -c otadiag -n "__fish_seen_subcommand_from job" -l job-id -x
complete -c otadiag -n "__fish_seen_subcommand_from job" -l node-id -x
complete -c otadiag -n "__fish_seen_subcommand_from job" -l api -x
complete -c otadiag -n "__fish_seen_subcommand_from job" -l token-file -r -F
complete -c otadiag -n "__fish_seen_subcommand_from job" -l cacert -r -F
complete -c otadiag -n "__fish_seen_subcommand_from job" -l save -r -F

# rules
set -l rulessubs list show test check fields model
complete -c otadiag -n "__fish_seen_subcommand_from rules; and not __fish_seen_subcommand_from $rulessubs" -a "$rulessubs"
complete -c otadiag -n "__fish_seen_subcommand_from show" -a '(otadiag rules list --ids 2>/dev/null)'
complete -c otadiag -n "__fish_seen_subcommand_from test check" -F
complete -c otadiag -n "__fish_seen_subcommand_from list" -l ids
complete -c otadiag -n "__fish_seen_subcommand_from check" -l log -r -F
complete -c otadiag -n "__fish_seen_subcommand_from check" -l max-miss -x
complete -c otadiag -n "__fish_seen_subcommand_from list" -l format -x -a 'text json'

# explain
complete -c otadiag -n "__fish_seen_subcommand_from explain" -l table -x -a 'esp_err mbedtls errno aliyun arduino_update esp8266_update arduino_httpclient arduino_httpupdate arduinoota esphome_ota aws-ota-err'
