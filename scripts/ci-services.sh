#!/usr/bin/env bash
# Installs what the integration tests need and nothing else, only when missing (safe to rerun):
#   rsyslog + rsyslog-gnutls  the syslog output tests start their own rsyslogd (own config, pid
#                             file, work directory, loopback ports); no system rsyslog is started
#   openssl                   the tests make a throwaway CA and certificates with it
set -euo pipefail

missing=()
command -v rsyslogd >/dev/null 2>&1 || missing+=(rsyslog)
# The gtls network stream driver lives in its own package on Debian/Ubuntu.
has_gtls=0
for module in /usr/lib/*/rsyslog/lmnsd_gtls.so /usr/lib/rsyslog/lmnsd_gtls.so /usr/lib64/rsyslog/lmnsd_gtls.so; do
  if [ -e "$module" ]; then has_gtls=1; fi
done
if [ "$has_gtls" -eq 0 ]; then missing+=(rsyslog-gnutls); fi
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "ci-services: rsyslog, rsyslog-gnutls and openssl are present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "ci-services: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# policy-rc.d keeps the package scripts from starting the system rsyslog service.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
  remove_policy=1
fi
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [ "${remove_policy:-0}" -eq 1 ]; then "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d; fi

rsyslogd -v | head -n 1
