#!/usr/bin/env bash
# One-step set-up on a fresh machine: system fonts for PDF output, a virtualenv, the app.
#   ./setup.sh         install the app
#   ./setup.sh --dev   install the app and what the tests need
set -euo pipefail
cd "$(dirname "$0")"

extras=""
[[ "${1:-}" == "--dev" ]] && extras="[dev]"

# PDF output needs a CJK font; the PDF tests read pages back with pdftotext.
need=()
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if (( ${#need[@]} )); then
    if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
        echo "setup: installing ${need[*]} (apt-get)"
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
               DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
            echo "setup: apt-get could not install ${need[*]}; PDF output needs them (HTML and Markdown do not)." >&2
        fi
    else
        echo "setup: please install ${need[*]} with your package manager for PDF output (everything else works without)." >&2
    fi
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".${extras}"
echo "setup: done. Start the app with .venv/bin/quizapp"
