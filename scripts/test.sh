#!/usr/bin/env bash
# The project's test command: installs what the end-to-end tests read PDFs with (poppler-utils:
# pdfsig, pdftotext, pdftoppm, pdfdetach) when it is missing, then runs every test of the workspace
# (the product and crates/gapscope-gen).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pdfsig >/dev/null || ! command -v pdftoppm >/dev/null; then
  echo "test: installing poppler-utils (the PDF tests check report.pdf with pdfsig, pdftotext, pdftoppm)" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq poppler-utils >/dev/null
fi
exec cargo test --locked --workspace "$@"
