#!/usr/bin/env bash
# Top-of-stack methods of a JFR file: bench/jfr-top.sh FILE.jfr [N]
# (counts the first frame of every jdk.ExecutionSample that `jfr print` shows)
set -euo pipefail
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$1" \
  | awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/ +line:.*/, ""); n[$0]++; total++}
         END {for (m in n) printf "%6.1f%%  %s\n", 100*n[m]/total, m; printf "%d samples\n", total > "/dev/stderr"}' \
  | sort -rn | head -n "${2:-20}"
