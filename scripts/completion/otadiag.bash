# SPDX-License-Identifier: Apache-2.0
# bash completion for otadiag(1).  Installed as
# share/bash-completion/completions/otadiag; or: source otadiag.bash

_otadiag_ports()
{
	local p
	for p in /dev/ttyUSB* /dev/ttyACM* /dev/serial/by-id/*; do
		[ -e "$p" ] && printf '%s\n' "$p"
	done
}

_otadiag_rule_ids()
{
	"${COMP_WORDS[0]}" rules list --ids 2>/dev/null
}

_otadiag()
{
	local cur prev cmd sub i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	local commands="analyze monitor ports job rules explain image config"
	local rulesopts="--rules --no-default-rules --generic-only"
	local common="$rulesopts --format --output --color
	    --fail-on --expect --ignore --baseline --sdkconfig -v -q --help"
	local formats="text json jsonl sarif junit github"
	local outcomes="success failed rolled-back in-progress not-attempted unknown"
	local causes="alloc-failed sys-evt-stack-overflow stack-overflow
	    server-unreachable tls-failed http-error download-interrupted
	    same-version project-name-mismatch downgrade-rejected
	    not-enough-space no-ota-partition invalid-image signature-invalid md5-mismatch
	    auth-failed upload-tool-error concurrent-activity rollback
	    crash-during-update crash-after-update crash-no-update brownout watchdog buffer-too-small job-timeout
	    version-not-reported bad-segment-range device-not-targeted
	    ota-rejected ota-delayed bad-server-response excessive-polling
	    ota-too-early insecure-transport"
	local tables="esp_err mbedtls errno aliyun arduino_update esp8266_update
	    arduino_httpclient arduino_httpupdate arduinoota esphome_ota
	    aws-ota-err reset_reason"

	cmd=
	sub=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*)
			if [ -z "$cmd" ]; then
				cmd=${COMP_WORDS[i]}
			elif [ "$cmd" = rules ] && [ -z "$sub" ]; then
				sub=${COMP_WORDS[i]}
			fi
			;;
		esac
	done

	# Values of options.
	case $prev in
	--format)
		if [ "$cmd" = rules ]; then
			COMPREPLY=($(compgen -W "text json" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$formats" -- "$cur"))
		fi
		return ;;
	--table)
		COMPREPLY=($(compgen -W "$tables" -- "$cur"))
		return ;;
	--data-bits)
		COMPREPLY=($(compgen -W "5 6 7 8" -- "$cur"))
		return ;;
	--stop-bits)
		COMPREPLY=($(compgen -W "1 2" -- "$cur"))
		return ;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return ;;
	--fail-on)
		COMPREPLY=($(compgen -W "info warning error never" -- "$cur"))
		return ;;
	--expect)
		COMPREPLY=($(compgen -W "$outcomes" -- "$cur"))
		return ;;
	--ignore)
		COMPREPLY=($(compgen -W "$(_otadiag_rule_ids) $causes" \
		    -- "$cur"))
		return ;;
	--rules | --output | -o | --baseline | --log | --logs | --save | \
	    --token-file | --cacert | --sdkconfig | --partitions | --running)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return ;;
	-j | --jobs | --max-line | --baud | -b | --timeout | --total-timeout | --retries | \
	    --max-requests | --max-size | --job-id | --node-id | --api | --job-timeout)
		return ;;
	--chip)
		COMPREPLY=($(compgen -W "esp32 esp32s2 esp32s3 esp32c2 esp32c3
		    esp32c5 esp32c6 esp32c61 esp32h2 esp32p4 esp8266" -- "$cur"))
		return ;;
	--slot | --running-version | --running-project)
		return ;;
	--parity)
		COMPREPLY=($(compgen -W "none odd even mark space" -- "$cur"))
		return ;;
	--flow)
		COMPREPLY=($(compgen -W "none xonxoff rtscts dtrdsr" -- "$cur"))
		return ;;
	--until)
		COMPREPLY=($(compgen -W "success failure outcome" -- "$cur"))
		return ;;
	--eol)
		COMPREPLY=($(compgen -W "CRLF CR LF" -- "$cur"))
		return ;;
	--port | -p)
		COMPREPLY=($(compgen -W "$(_otadiag_ports) -" -- "$cur"))
		return ;;
	--send | --send-after | --print-filter | --reset-sequence)
		return ;;
	esac

	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi

	case $cmd in
	analyze)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common -j --jobs --max-line" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	monitor)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common --baud --data-bits
			    --parity --stop-bits --flow --log --timestamps
			    --timeout --until --no-reconnect --reset --reset-sequence --port --eol --print-filter --send
			    --send-after" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_otadiag_ports) -" -- "$cur"))
		fi ;;
	ports)
		COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
	job)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common --job-timeout --logs
			    --job-id --node-id --api --token-file --cacert
			    --timeout --total-timeout --max-requests --retries --max-size --save" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "fetch" -- "$cur") \
			    $(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	rules)
		if [ -z "$sub" ]; then
			COMPREPLY=($(compgen -W "list show test check fields
			    model --help" -- "$cur"))
		elif [ "$sub" = list ] && [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$rulesopts --format --ids
			    --help" -- "$cur"))
		elif [ "$sub" = check ] && [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$rulesopts --log --max-miss
			    --help" -- "$cur"))
		elif [ "$sub" = test ] && [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$rulesopts --help" -- "$cur"))
		elif [ "$sub" = show ]; then
			COMPREPLY=($(compgen -W "$(_otadiag_rule_ids)" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	image)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--partitions --slot --running
			    --running-version --running-project --chip $common" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	config)
		COMPREPLY=($(compgen -W "analyze monitor job explain --help" \
		    -- "$cur")) ;;
	explain)
		if [[ $cur == --* ]]; then
			COMPREPLY=($(compgen -W "--table $rulesopts --help" \
			    -- "$cur"))
		fi ;;
	esac
}

complete -F _otadiag otadiag
